using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// Keys and values of earlier positions, per layer, for incremental decoding (inference only:
/// use under <c>torch.no_grad()</c>). Rows of a batch share one time axis; shorter prompts are
/// left-padded and their pad slots are masked out of attention, so each row decodes exactly as it
/// would alone. Memory follows what is used: slots are allocated in pages of <see cref="PageSize"/>
/// positions as the sequence grows (up to <see cref="Capacity"/>), in the model's dtype, and
/// <see cref="KeepRows"/> drops rows that finished. Owns its tensors: dispose it.
/// </summary>
public sealed class KvCache : IDisposable
{
    /// <summary>Positions added at a time when the cache grows.</summary>
    public const int PageSize = 128;

    private readonly Device _device;

    internal KvCache(ModelConfig c, long batch, int capacity, Device device, ScalarType dtype)
    {
        if (capacity <= 0 || capacity > c.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"KV cache capacity must be in 1..{c.MaxPositions} (the model's MaxPositions).");
        _device = device;
        Batch = batch;
        Capacity = capacity;
        Keys = new Tensor[c.NumLayers];
        Values = new Tensor[c.NumLayers];
        for (int i = 0; i < c.NumLayers; i++)
        {
            Keys[i] = empty([batch, c.NumKvHeads, 0, c.HeadDim], dtype: dtype, device: device).DetachFromDisposeScope();   // (B, KV, S, D)
            Values[i] = empty([batch, c.NumKvHeads, 0, c.HeadDim], dtype: dtype, device: device).DetachFromDisposeScope(); // (B, KV, S, D)
        }
        KeyValid = zeros([batch, 0], dtype: @bool, device: device).DetachFromDisposeScope();        // (B, S)
        NextPositions = zeros([batch], dtype: int64, device: device).DetachFromDisposeScope();     // (B)
    }

    /// <summary>Rows in the batch (fewer after <see cref="KeepRows"/>).</summary>
    public long Batch { get; private set; }

    /// <summary>Most time steps (prompt + generated) the cache may hold.</summary>
    public int Capacity { get; }

    /// <summary>Time steps allocated now: <see cref="Length"/> rounded up to whole pages (at most <see cref="Capacity"/>).</summary>
    public int Allocated => (int)KeyValid.shape[1];

    /// <summary>Time steps written so far (pads included).</summary>
    public int Length { get; internal set; }

    /// <summary>True once any written slot was padding; attention then needs an explicit mask.</summary>
    public bool HasPadding { get; internal set; }

    internal Tensor[] Keys { get; }
    internal Tensor[] Values { get; }

    /// <summary>(B, S): which slots hold real tokens.</summary>
    internal Tensor KeyValid { get; private set; }

    /// <summary>(B): rotary position of each row's next real token.</summary>
    internal Tensor NextPositions { get; private set; }

    /// <summary>Bytes held by keys and values now.</summary>
    public long Bytes => Keys.Sum(k => k.numel() * k.ElementSize) * 2;

    /// <summary>Grows the allocation, by whole pages, so that <paramref name="slots"/> time steps fit; the written ones are kept.</summary>
    internal void Reserve(int slots)
    {
        if (slots <= Allocated) return;
        if (slots > Capacity) throw new ArgumentException($"Sequence of {slots} positions exceeds the KV cache capacity {Capacity}.");
        int size = Math.Min(Capacity, (slots + PageSize - 1) / PageSize * PageSize);
        for (int i = 0; i < Keys.Length; i++)
        {
            // One layer at a time: the transient extra memory is one layer's cache.
            Keys[i] = Grow(Keys[i], 2, size);
            Values[i] = Grow(Values[i], 2, size);
        }
        KeyValid = Grow(KeyValid, 1, size);
    }

    /// <summary>Keeps only the rows <paramref name="rows"/> (indices into the current batch, in order), freeing the others' slots.</summary>
    public void KeepRows(IReadOnlyList<long> rows)
    {
        if (rows.Count == Batch) return;
        using var index = tensor(rows.ToArray(), dtype: int64, device: _device);
        for (int i = 0; i < Keys.Length; i++)
        {
            Keys[i] = Select(Keys[i], index);
            Values[i] = Select(Values[i], index);
        }
        KeyValid = Select(KeyValid, index);
        NextPositions = Select(NextPositions, index);
        Batch = rows.Count;
    }

    private static Tensor Grow(Tensor old, int dim, int size)
    {
        var shape = old.shape.ToArray();
        shape[dim] = size;
        var grown = zeros(shape, dtype: old.dtype, device: old.device).DetachFromDisposeScope();
        grown.narrow(dim, 0, old.shape[dim]).copy_(old);
        old.Dispose();
        return grown;
    }

    private static Tensor Select(Tensor old, Tensor index)
    {
        var kept = old.index_select(0, index).DetachFromDisposeScope();
        old.Dispose();
        return kept;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Keys) t.Dispose();
        foreach (var t in Values) t.Dispose();
        KeyValid.Dispose();
        NextPositions.Dispose();
    }
}
