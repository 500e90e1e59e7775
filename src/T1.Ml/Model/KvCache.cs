using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Keys and values of earlier positions, per layer, for incremental decoding (inference only:
/// use under <c>torch.no_grad()</c>). Rows of a batch share one time axis; shorter prompts are
/// left-padded and their pad slots are masked out of attention, so each row decodes exactly as it
/// would alone. Owns its tensors: dispose it.
/// </summary>
public sealed class KvCache : IDisposable
{
    internal KvCache(ModelConfig c, long batch, int capacity, Device device)
    {
        if (capacity <= 0 || capacity > c.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"KV cache capacity must be in 1..{c.MaxPositions} (the model's MaxPositions).");
        Batch = batch;
        Capacity = capacity;
        Keys = new Tensor[c.NumLayers];
        Values = new Tensor[c.NumLayers];
        for (int i = 0; i < c.NumLayers; i++)
        {
            Keys[i] = zeros([batch, c.NumKvHeads, capacity, c.HeadDim], device: device).DetachFromDisposeScope();   // (B, KV, S, D)
            Values[i] = zeros([batch, c.NumKvHeads, capacity, c.HeadDim], device: device).DetachFromDisposeScope(); // (B, KV, S, D)
        }
        KeyValid = zeros([batch, capacity], dtype: @bool, device: device).DetachFromDisposeScope(); // (B, S)
        NextPositions = zeros([batch], dtype: int64, device: device).DetachFromDisposeScope();     // (B)
    }

    /// <summary>Rows in the batch.</summary>
    public long Batch { get; }

    /// <summary>Most time steps (prompt + generated) the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>Time steps written so far (pads included).</summary>
    public int Length { get; internal set; }

    /// <summary>True once any written slot was padding; attention then needs an explicit mask.</summary>
    public bool HasPadding { get; internal set; }

    internal Tensor[] Keys { get; }
    internal Tensor[] Values { get; }

    /// <summary>(B, S): which slots hold real tokens.</summary>
    internal Tensor KeyValid { get; }

    /// <summary>(B): rotary position of each row's next real token.</summary>
    internal Tensor NextPositions { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Keys) t.Dispose();
        foreach (var t in Values) t.Dispose();
        KeyValid.Dispose();
        NextPositions.Dispose();
    }
}
