using T1.Ml.Model;

namespace T1.Ml.Planning;

/// <summary>
/// The memory model: each function is one term of a step's peak, in bytes, for the code as it runs today
/// (DecoderLM, SftTrainer, RlTrainer, Sampler). Symbols: L layers, C hidden, H query heads, KV key/value heads,
/// D = C/H head dim, I MLP width, V vocabulary, P parameters, b bytes per element of the dtype
/// (fp32 4, bf16 2). Each returns a <see cref="MemoryPart"/> whose formula text repeats the numbers.
/// Peaks are worst cases: every sequence as long as the inputs allow.
/// </summary>
public static class MemoryFormulas
{
    /// <summary>
    /// P = V·C (embedding) + L·[C·H·D + 2·C·KV·D + H·D·C (q, k, v, o) + (H·D + 2·KV·D if q/k/v biases) + 3·C·I (SwiGLU)
    /// + 2·C (norms)] + C (final norm) + V·C when the output projection is not tied to the embedding.
    /// </summary>
    public static long ParameterCount(ModelConfig c)
    {
        long C = c.HiddenSize, D = c.HeadDim, H = c.NumHeads, KV = c.NumKvHeads, I = c.IntermediateSize, V = c.VocabSize;
        long attention = C * H * D + 2 * C * KV * D + H * D * C + (c.AttentionBias ? H * D + 2 * KV * D : 0);
        long layer = attention + 3 * C * I + 2 * C;
        return V * C + c.NumLayers * layer + C + (c.TieEmbeddings ? 0 : V * C);
    }

    /// <summary>
    /// copies · (P·b + rotary tables 2·max_positions·D·4): the parameters of each model held (policy, anchor) plus the
    /// fp32 cos/sin tables every DecoderLM keeps as buffers.
    /// </summary>
    public static MemoryPart Weights(ModelConfig c, PlanDtype dtype, int copies, string what)
    {
        long p = ParameterCount(c), rope = 2L * c.MaxPositions * c.HeadDim * 4;
        return new(MemoryComponent.Weights, copies * (p * dtype.Bytes() + rope),
            $"{what}: {copies} × ({p:N0} params × {dtype.Bytes()} B ({dtype.Name()}) + rotary tables 2 × {c.MaxPositions} × {c.HeadDim} × 4 B)");
    }

    /// <summary>
    /// Checkpoint load: every stored tensor is read into host memory (in its stored dtype) before it is copied
    /// into the model, so a load briefly holds P·b_stored more. Only counted where the host memory is the device's (CPU).
    /// </summary>
    public static MemoryPart LoadCopy(ModelConfig c, PlanDtype stored) =>
        new(MemoryComponent.Other, ParameterCount(c) * stored.Bytes(),
            $"stored weights read before the copy: {ParameterCount(c):N0} × {stored.Bytes()} B ({stored.Name()} on disk)");

    /// <summary>One gradient per parameter, in the parameters' dtype: P·b. (TorchSharp's zero_grad zeroes them in place, so they stay allocated after the first step.)</summary>
    public static MemoryPart Gradients(ModelConfig c, PlanDtype dtype) =>
        new(MemoryComponent.Gradients, ParameterCount(c) * dtype.Bytes(), $"{ParameterCount(c):N0} × {dtype.Bytes()} B ({dtype.Name()})");

    /// <summary>
    /// AdamW keeps exp_avg and exp_avg_sq per parameter in the parameters' dtype: 2·P·b. With bf16 weights an fp32
    /// master copy and fp32 moments would be 3·P·4; today the weights are fp32 and the moments are 2·P·4.
    /// </summary>
    public static MemoryPart AdamW(ModelConfig c, PlanDtype weights)
    {
        long p = ParameterCount(c);
        return weights == PlanDtype.Fp32
            ? new(MemoryComponent.Optimizer, 2 * p * 4, $"AdamW moments 2 × {p:N0} × 4 B")
            : new(MemoryComponent.Optimizer, 3 * p * 4, $"fp32 master weights + AdamW moments 3 × {p:N0} × 4 B");
    }

    /// <summary>
    /// Elements autograd saves per token per layer of DecoderLayer: 9·C (layer input, normed input, rotated q,
    /// repeated k and v (GQA expands them to H heads before attention), attention output, its contiguous copy,
    /// the residual, the second normed input) + 4·I (gate, silu(gate), up, their product) + H (attention
    /// log-sum-exp); plus 2·C after the last layer (final norm) and 2·D for the cos/sin rows of the batch.
    /// </summary>
    public static long SavedPerToken(ModelConfig c) =>
        c.NumLayers * (9L * c.HiddenSize + 4L * c.IntermediateSize + c.NumHeads) + 2L * c.HiddenSize + 2L * c.HeadDim;

    /// <summary>Training activations: tokens · <see cref="SavedPerToken"/> · b (fused attention: nothing of size T² is kept).</summary>
    public static MemoryPart TrainingActivations(ModelConfig c, long rows, long positions, PlanDtype dtype, string remedy)
    {
        long perToken = SavedPerToken(c);
        return new(MemoryComponent.Activations, rows * positions * perToken * dtype.Bytes(),
            $"{rows} rows × {positions} positions × {perToken:N0} saved elements per token (L·(9C + 4I + H) + 2C + 2D) × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// A forward pass without gradients frees each layer's tensors when the layer ends: about one layer's working
    /// set, tokens · (6·C + 4·I) · b, plus the residual stream.
    /// </summary>
    public static MemoryPart InferenceActivations(ModelConfig c, long rows, long positions, PlanDtype dtype, string remedy)
    {
        long perToken = 6L * c.HiddenSize + 4L * c.IntermediateSize;
        return new(MemoryComponent.Activations, rows * positions * perToken * dtype.Bytes(),
            $"one layer's working set: {rows} rows × {positions} positions × (6C + 4I = {perToken:N0}) × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// Logits and the tensors of their size: copies · rows · positions · V · 4 (the losses are computed in fp32).
    /// SFT peaks at 4 copies (logits, log_softmax, its gradient, the logits' gradient); the RL update at 6
    /// (logits, log_softmax and its exp for the entropy, and their gradients); scoring without gradients at 2
    /// (logits and log-sum-exp's exp).
    /// </summary>
    public static MemoryPart Logits(ModelConfig c, long rows, long positions, int copies, string what, string remedy) =>
        new(MemoryComponent.Logits, copies * rows * positions * c.VocabSize * 4L,
            $"{what}: {copies} × {rows} rows × {positions} positions × V {c.VocabSize} × 4 B", remedy);

    /// <summary>
    /// The sampler's KV cache, allocated up front for the whole batch and length:
    /// 2 (K and V) · L · rows · KV · capacity · D · b, plus the (rows, capacity) bool mask of real slots.
    /// </summary>
    public static MemoryPart KvCache(ModelConfig c, long rows, long capacity, PlanDtype dtype, string remedy)
    {
        long bytes = 2L * c.NumLayers * rows * c.NumKvHeads * capacity * c.HeadDim * dtype.Bytes() + rows * capacity;
        return new(MemoryComponent.KvCache, bytes,
            $"2 × L {c.NumLayers} × {rows} rows × KV {c.NumKvHeads} × {capacity} positions × D {c.HeadDim} × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// Grouped-query attention repeats K and V to all H heads in the layer being decoded: 2 · rows · H · capacity · D · b
    /// at the longest length (one layer at a time; none when KV = H).
    /// </summary>
    public static MemoryPart RepeatedKv(ModelConfig c, long rows, long capacity, PlanDtype dtype, string remedy)
    {
        long bytes = c.NumKvHeads == c.NumHeads ? 0 : 2L * rows * c.NumHeads * capacity * c.HeadDim * dtype.Bytes();
        return new(MemoryComponent.KvCache, bytes,
            $"GQA repeat in one layer: 2 × {rows} rows × H {c.NumHeads} × {capacity} positions × D {c.HeadDim} × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// Prefill of left-padded prompts: the attention mask (rows, 1, T, T) is built as bool (two such tensors) and
    /// attention takes it as an additive float mask: about rows · T² · 6 B.
    /// </summary>
    public static MemoryPart PrefillMask(long rows, long positions, string remedy) =>
        new(MemoryComponent.Other, rows * positions * positions * 6,
            $"prefill mask of padded prompts: {rows} rows × {positions}² positions × (2 bool + 4 float) B", remedy);

    /// <summary>What the process holds before any model: <see cref="PlanSettings.RuntimeBytes"/>.</summary>
    public static MemoryPart Runtime(PlanSettings settings, bool cuda) =>
        cuda
            ? new(MemoryComponent.Runtime, settings.CudaRuntimeBytes, "CUDA context, kernels and allocator slack (assumed)")
            : new(MemoryComponent.Runtime, settings.CpuRuntimeBytes, "process resident before any model: .NET, libtorch, host (measured)");
}
