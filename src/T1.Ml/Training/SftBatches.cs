using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>
/// The order of micro-batches, a pure function of the examples' lengths, the batch size and the seed,
/// so a resumed run rebuilds exactly the same batches. Each epoch shuffles the examples (seeded by
/// seed and epoch), sorts windows of <c>batchSize × bucketBatches</c> examples by length (length
/// bucketing: little padding), cuts them into batches and shuffles the batches.
/// </summary>
public sealed class SftBatchPlan
{
    private readonly IReadOnlyList<EncodedExample> _examples;
    private readonly int _batchSize;
    private readonly int _bucketBatches;
    private readonly int _seed;
    private (int Epoch, IReadOnlyList<int[]> Batches)? _cached;

    public SftBatchPlan(IReadOnlyList<EncodedExample> examples, int batchSize, int bucketBatches, int seed)
    {
        if (examples.Count == 0) throw new ArgumentException("The dataset has no examples.", nameof(examples));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBatches, 1);
        _examples = examples;
        _batchSize = batchSize;
        _bucketBatches = bucketBatches;
        _seed = seed;
        BatchesPerEpoch = (examples.Count + batchSize - 1) / batchSize;
    }

    /// <summary>Micro-batches in one pass over the data.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The micro-batches of <paramref name="epoch"/> (0-based), as indices into the examples.</summary>
    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        if (_cached is { } c && c.Epoch == epoch) return c.Batches;
        // System.Random with a seed is a fixed algorithm (not HashCode, which is randomised per process).
        var random = new Random(unchecked((int)((uint)_seed * 0x9E3779B1u ^ (uint)(epoch + 1) * 0x85EBCA77u)));
        var order = Enumerable.Range(0, _examples.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>(BatchesPerEpoch);
        int window = _batchSize * _bucketBatches;
        for (int start = 0; start < order.Length; start += window)
        {
            var bucket = order.Skip(start).Take(window).OrderByDescending(i => _examples[i].Ids.Length).ToArray(); // stable
            batches.AddRange(bucket.Chunk(_batchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        _cached = (epoch, shuffled);
        return shuffled;
    }

    /// <summary>The micro-batch at position <paramref name="index"/> of the endless stream epoch 0, epoch 1, ….</summary>
    public int[] At(long index) => Epoch((int)(index / BatchesPerEpoch))[(int)(index % BatchesPerEpoch)];
}

/// <summary>
/// One right-padded micro-batch: <see cref="Inputs"/> are ids 0..L−2 of each example, <see cref="Targets"/>
/// ids 1..L−1, and <see cref="Mask"/> is 1 exactly where the target is a response token (or the end of
/// text): prompt targets and padding carry no loss. Right padding is harmless under causal attention.
/// </summary>
public sealed class SftBatch : IDisposable
{
    private SftBatch(Tensor inputs, Tensor targets, Tensor mask, int tokens, int targetTokens)
    {
        Inputs = inputs;
        Targets = targets;
        Mask = mask;
        Tokens = tokens;
        TargetTokens = targetTokens;
    }

    /// <summary>(B, T) int64 token ids fed to the model.</summary>
    public Tensor Inputs { get; }

    /// <summary>(B, T) int64 next-token targets.</summary>
    public Tensor Targets { get; }

    /// <summary>(B, T) float32: 1 on response targets, 0 on prompt targets and padding.</summary>
    public Tensor Mask { get; }

    /// <summary>Real (non-pad) input positions: what tokens/s counts.</summary>
    public int Tokens { get; }

    /// <summary>Positions that carry loss (the sum of <see cref="Mask"/>).</summary>
    public int TargetTokens { get; }

    /// <summary>Builds the batch for <paramref name="rows"/> on <paramref name="device"/>, padding with <paramref name="pad"/>.</summary>
    public static SftBatch Collate(IReadOnlyList<EncodedExample> rows, int pad, Device device)
    {
        int B = rows.Count, T = rows.Max(r => r.Ids.Length) - 1;
        var inputs = new long[B * T];
        var targets = new long[B * T];
        var mask = new float[B * T];
        int tokens = 0, targetTokens = 0;
        for (int b = 0; b < B; b++)
        {
            var (ids, promptLength) = (rows[b].Ids, rows[b].PromptLength);
            for (int t = 0; t < T; t++)
            {
                int at = b * T + t;
                bool real = t + 1 < ids.Length;
                inputs[at] = real ? ids[t] : pad;
                targets[at] = real ? ids[t + 1] : pad;
                if (real && t + 1 >= promptLength)
                {
                    mask[at] = 1f;
                    targetTokens++;
                }
                if (real) tokens++;
            }
        }
        return new SftBatch(
            tensor(inputs, [B, T], dtype: int64, device: device),
            tensor(targets, [B, T], dtype: int64, device: device),
            tensor(mask, [B, T], dtype: float32, device: device),
            tokens, targetTokens);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        Mask.Dispose();
    }
}

/// <summary>The SFT objective.</summary>
public static class SftLoss
{
    /// <summary>
    /// Σ −log p(target) over the positions where <paramref name="mask"/> is 1: logits (B, T, V),
    /// targets (B, T) int64, mask (B, T) → a scalar. Divide by the number of target tokens of the whole
    /// optimizer step (all its micro-batches) for a per-token mean.
    /// </summary>
    public static Tensor Sum(Tensor logits, Tensor targets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long V = logits.shape[^1];
        var nll = nn.functional.cross_entropy(logits.reshape(-1, V).to(float32), targets.reshape(-1), reduction: nn.Reduction.None); // (B·T)
        return (nll * mask.reshape(-1)).sum().MoveToOuterDisposeScope();
    }
}
