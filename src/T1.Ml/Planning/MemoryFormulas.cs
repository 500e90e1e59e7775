using T1.Ml.Model;

namespace T1.Ml.Planning;

/// <summary>
/// The memory model: each function is one term of a step's peak, in bytes, for the code as it runs today
/// (DecoderLM, ChunkedLogProbs, KvCache, SftTrainer, RlTrainer, Sampler). Symbols: L layers, C hidden, H query heads, KV key/value heads,
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
    /// AdamW's moments exp_avg and exp_avg_sq in fp32: 2·P·4; with bf16 weights also the fp32 master weights
    /// (<see cref="MasterWeightsAdamW"/>): 3·P·4. The step itself adds nothing parameter-sized: it updates one slice of
    /// at most <see cref="AdamWSlices.SliceElements"/> elements at a time (<see cref="SlicedAdamW"/>).
    /// </summary>
    public static MemoryPart AdamW(ModelConfig c, PlanDtype weights)
    {
        long p = ParameterCount(c);
        return weights == PlanDtype.Fp32
            ? new(MemoryComponent.Optimizer, 2 * p * 4, $"AdamW moments 2 × {p:N0} × 4 B")
            : new(MemoryComponent.Optimizer, 3 * p * 4, $"fp32 master weights + AdamW moments 3 × {p:N0} × 4 B");
    }

    /// <summary>
    /// Bytes autograd saves per token: per layer (9·C + 4·I + H)·w — the layer input, normed input, rotated q, k and v
    /// repeated to H heads for training attention, attention output, its contiguous copy, the residual, the second normed
    /// input; gate, silu(gate), up, their product; the attention log-sum-exp — plus 4·C bytes a layer in bf16, where RMSNorm
    /// keeps an fp32 copy of its input; and (2·C + 2·D)·w after the last layer (final norm, cos/sin rows). With
    /// <c>grad_checkpoint</c> only each layer's input L·C·w stays, plus one layer's set while it is recomputed in backward.
    /// </summary>
    public static long SavedPerToken(ModelConfig c, PlanDtype dtype, bool checkpointed)
    {
        long w = dtype.Bytes(), C = c.HiddenSize;
        long layer = (9 * C + 4L * c.IntermediateSize + c.NumHeads) * w + (dtype == PlanDtype.Bf16 ? 4 * C : 0);
        long tail = (2 * C + 2L * c.HeadDim) * w;
        return checkpointed ? c.NumLayers * C * w + layer + tail : c.NumLayers * layer + tail;
    }

    /// <summary>Training activations: tokens · <see cref="SavedPerToken"/> (fused attention: nothing of size T² is kept).</summary>
    public static MemoryPart TrainingActivations(ModelConfig c, long rows, long positions, PlanDtype dtype, bool checkpointed, string remedy)
    {
        long perToken = SavedPerToken(c, dtype, checkpointed);
        string how = checkpointed ? "L·C·w layer inputs + one layer's (9C + 4I + H)·w recomputed" : "L·((9C + 4I + H)·w" + (dtype == PlanDtype.Bf16 ? " + 4C" : "") + ") + (2C + 2D)·w";
        return new(MemoryComponent.Activations, rows * positions * perToken,
            $"{rows} rows × {positions} positions × {perToken:N0} B saved per token ({how}, w = {dtype.Bytes()} B)", remedy);
    }

    /// <summary>
    /// A forward pass without gradients frees each layer's tensors when the layer ends: about one layer's working
    /// set, tokens · (6·C + 4·I) · w, plus the residual stream.
    /// </summary>
    public static MemoryPart InferenceActivations(ModelConfig c, long rows, long positions, PlanDtype dtype, string remedy)
    {
        long perToken = 6L * c.HiddenSize + 4L * c.IntermediateSize;
        return new(MemoryComponent.Activations, rows * positions * perToken * dtype.Bytes(),
            $"one layer's working set: {rows} rows × {positions} positions × (6C + 4I = {perToken:N0}) × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// Log-probs and entropy over the vocabulary run in chunks of n = ⌊128 MiB / (4·V)⌋ positions
    /// (<see cref="ChunkedLogProbs.DefaultChunk"/>), recomputed in backward: copies · min(n, tokens) · V · 4 (fp32 logits,
    /// probabilities, log-probabilities, their gradient). In training, backward also accumulates the output projection's
    /// gradient in fp32 (V·C·4) plus its copy in w, and the gradient of the final hidden states (tokens·C·w).
    /// </summary>
    public static MemoryPart Logits(ModelConfig c, long rows, long positions, PlanDtype dtype, int copies, bool training, string what, string remedy)
    {
        long tokens = rows * positions, chunk = Math.Min(ChunkedLogProbs.DefaultChunk(c.VocabSize), tokens);
        long V = c.VocabSize, C = c.HiddenSize, w = dtype.Bytes();
        long bytes = copies * chunk * V * 4 + (training ? V * C * (4 + w) + tokens * C * w : 0);
        return new(MemoryComponent.Logits, bytes,
            $"{what}: {copies} × chunk {chunk} positions × V {V} × 4 B" + (training ? $" + output projection gradient V·C·(4 + {w}) B + hidden gradient {tokens} × C × {w} B" : ""), remedy);
    }

    /// <summary>
    /// The sampler's KV cache in the model's dtype, grown in pages of <see cref="KvCache.PageSize"/> positions:
    /// 2 (K and V) · L · rows · KV · S_alloc · D · w with S_alloc = 128·⌈S/128⌉, plus one layer's copy while a page is
    /// added (× (1 + 1/L)) and the (rows, S_alloc) bool mask of real slots.
    /// </summary>
    public static MemoryPart KvCache(ModelConfig c, long rows, long positions, PlanDtype dtype, string remedy)
    {
        long page = Model.KvCache.PageSize, slots = (positions + page - 1) / page * page, L = c.NumLayers;
        long perLayer = 2L * rows * c.NumKvHeads * slots * c.HeadDim * dtype.Bytes();
        return new(MemoryComponent.KvCache, perLayer * (L + 1) + rows * slots,
            $"2 × (L {L} + 1 growing) × {rows} rows × KV {c.NumKvHeads} × {slots} slots × D {c.HeadDim} × {dtype.Bytes()} B", remedy);
    }

    /// <summary>
    /// Prefill of left-padded prompts: K and V of one layer repeated to all H heads (2 · rows · H · T · D · w), and the
    /// attention mask (rows, 1, T, T), built as bool (two such tensors) and taken as an additive float mask: rows · T² · 6 B.
    /// </summary>
    public static MemoryPart Prefill(ModelConfig c, long rows, long positions, PlanDtype dtype, string remedy)
    {
        long repeat = c.NumKvHeads == c.NumHeads ? 0 : 2L * rows * c.NumHeads * positions * c.HeadDim * dtype.Bytes();
        return new(MemoryComponent.Other, repeat + rows * positions * positions * 6,
            $"prefill of {rows} rows × {positions} positions: GQA's repeated K and V of one layer (2·rows·H·T·D·w) + mask rows·T²·(2 bool + 4 float) B", remedy);
    }

    /// <summary>Logits of one decode step: rows · V in w, plus fp32 probabilities and sampling noise, ≈ 4 · rows · V · 4.</summary>
    public static MemoryPart SamplingLogits(ModelConfig c, long rows, string remedy) =>
        new(MemoryComponent.Logits, 4L * rows * c.VocabSize * 4, $"one decode step: 4 × {rows} rows × V {c.VocabSize} × 4 B", remedy);

    /// <summary>What the process holds before any model: <see cref="PlanSettings.RuntimeBytes"/>.</summary>
    public static MemoryPart Runtime(PlanSettings settings, bool cuda) =>
        cuda
            ? new(MemoryComponent.Runtime, settings.CudaRuntimeBytes, "CUDA context, kernels and allocator slack (assumed)")
            : new(MemoryComponent.Runtime, settings.CpuRuntimeBytes, "process resident before any model: .NET, libtorch, host (measured)");
}
