namespace T1.Ml.Planning;

/// <summary>What a share of a step's memory holds: the columns of <c>t1 plan</c>'s table.</summary>
public enum MemoryComponent
{
    /// <summary>Parameters and buffers of every model the step holds (policy, anchor, a copy being loaded).</summary>
    Weights,

    /// <summary>One gradient per trainable parameter.</summary>
    Gradients,

    /// <summary>AdamW's two moments (and a master copy where the weights are not fp32).</summary>
    Optimizer,

    /// <summary>Tensors saved for backward, or a forward pass's working set without gradients.</summary>
    Activations,

    /// <summary>Keys and values of the sampler's batch (and GQA's repeated copy while a layer decodes).</summary>
    KvCache,

    /// <summary>Logits over the vocabulary and the log-softmax/entropy tensors and gradients of the same size.</summary>
    Logits,

    /// <summary>Attention masks, weights being read from disk, and the like.</summary>
    Other,

    /// <summary>The process itself: .NET, libtorch and the host (CPU), or the CUDA context (GPU).</summary>
    Runtime,
}
