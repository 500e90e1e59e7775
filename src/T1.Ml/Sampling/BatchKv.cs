using T1.Ml.Model;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>
/// KV-cache surgery for continuous batching. Rows of a batch share one time axis; every row is kept
/// right-aligned (its newest position in the last slot) and left-padded, the padding masked out as in
/// <see cref="Sampler"/>, so rows of any length decode side by side and each decodes as it would alone.
/// </summary>
internal static class BatchKv
{
    /// <summary>
    /// One cache holding the rows of <paramref name="parts"/> in order, each part keeping the newest <c>Used</c>
    /// slots of its cache (older slots are padding of every row there), right-aligned to the longest. Disposes the parts.
    /// </summary>
    public static KvCache Concat(DecoderLM model, IReadOnlyList<(KvCache Cache, int Used)> parts)
    {
        long rows = parts.Sum(p => p.Cache.Batch);
        int length = parts.Max(p => p.Used);
        var merged = model.NewCache(rows, model.Config.MaxPositions);
        merged.Reserve(length);
        long row = 0;
        foreach (var (cache, used) in parts)
        {
            long b = cache.Batch;
            int from = cache.Length - used, to = length - used;
            for (int i = 0; i < merged.Keys.Length; i++)
            {
                merged.Keys[i].narrow(0, row, b).narrow(2, to, used).copy_(cache.Keys[i].narrow(2, from, used));     // (b, KV, used, D)
                merged.Values[i].narrow(0, row, b).narrow(2, to, used).copy_(cache.Values[i].narrow(2, from, used)); // (b, KV, used, D)
            }
            merged.KeyValid.narrow(0, row, b).narrow(1, to, used).copy_(cache.KeyValid.narrow(1, from, used)); // (b, used)
            merged.NextPositions.narrow(0, row, b).copy_(cache.NextPositions);                                // (b)
            row += b;
            cache.Dispose();
        }
        merged.Length = length;
        merged.HasPadding = true;
        return merged;
    }

    /// <summary>Left-padded ids (B, T) of <paramref name="prompts"/> and which slots are real (null when none is padded).</summary>
    public static (Tensor Ids, Tensor? Valid) LeftPad(IReadOnlyList<IReadOnlyList<int>> prompts, int pad, Device device)
    {
        int B = prompts.Count, longest = prompts.Max(p => p.Count);
        var ids = new long[B * longest];
        var valid = new bool[B * longest];
        bool anyPad = false;
        for (int b = 0; b < B; b++)
        {
            int offset = longest - prompts[b].Count;
            anyPad |= offset > 0;
            for (int t = 0; t < longest; t++)
            {
                bool real = t >= offset;
                ids[b * longest + t] = real ? prompts[b][t - offset] : pad;
                valid[b * longest + t] = real;
            }
        }
        var idsT = tensor(ids, [B, longest], dtype: int64, device: device); // (B, T)
        return (idsT, anyPad ? tensor(valid, [B, longest], device: device) : null);
    }
}
