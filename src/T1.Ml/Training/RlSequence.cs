using static TorchSharp.torch;

namespace T1.Ml.Training;

/// <summary>A prompt and one sampled response, as token ids.</summary>
internal readonly record struct RlSequence(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)
{
    /// <summary>
    /// Right-padded ids (b, T) int64 of prompt + response for the sequences at <paramref name="chunk"/>, and a
    /// mask (b, T) float32 that is 1 on response tokens (the layout <see cref="Model.TokenLogProbs.Score"/> takes).
    /// </summary>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<RlSequence> seqs, int[] chunk, long pad, Device device)
    {
        int b = chunk.Length, T = Width(seqs, chunk);
        var ids = new long[b * T];
        var mask = new float[b * T];
        Array.Fill(ids, pad);
        for (int r = 0; r < b; r++)
        {
            var (p, y) = seqs[chunk[r]];
            for (int t = 0; t < p.Count; t++) ids[r * T + t] = p[t];
            for (int t = 0; t < y.Count; t++)
            {
                ids[r * T + p.Count + t] = y[t];
                mask[r * T + p.Count + t] = 1;
            }
        }
        return (tensor(ids, [b, T], device: device), tensor(mask, [b, T], device: device));
    }

    /// <summary>
    /// Per-response-token values (one array per sequence, as <see cref="Unpad"/> returns them) laid out like the
    /// targets of <see cref="Pad"/>: (b, T−1) float32, the value of response token t of row r at column |prompt| + t − 1, 0 elsewhere.
    /// </summary>
    public static Tensor Place(IReadOnlyList<float[]> values, IReadOnlyList<RlSequence> seqs, int[] chunk, Device device)
    {
        int b = chunk.Length, W = Width(seqs, chunk) - 1;
        var data = new float[b * W];
        for (int r = 0; r < b; r++)
        {
            var v = values[chunk[r]];
            int at = r * W + seqs[chunk[r]].Prompt.Count - 1;
            for (int t = 0; t < v.Length; t++) data[at + t] = v[t];
        }
        return tensor(data, [b, W], device: device);
    }

    /// <summary>The inverse of <see cref="Place"/>: (b, T−1) values → one array of response-token values per row, into <paramref name="into"/>.</summary>
    public static void Unpad(Tensor values, IReadOnlyList<RlSequence> seqs, int[] chunk, float[][] into)
    {
        var data = Compute.TensorValues.Floats(values);
        int W = (int)values.shape[1];
        for (int r = 0; r < chunk.Length; r++)
        {
            var (p, y) = seqs[chunk[r]];
            into[chunk[r]] = data.AsSpan(r * W + p.Count - 1, y.Count).ToArray();
        }
    }

    private static int Width(IReadOnlyList<RlSequence> seqs, int[] chunk) => Math.Max(2, chunk.Max(i => seqs[i].Prompt.Count + seqs[i].Response.Count));
}
