namespace T1.Ml.Planning;

/// <summary>Element types the memory model knows, with their width in bytes.</summary>
public enum PlanDtype
{
    /// <summary>float32: 4 bytes.</summary>
    Fp32,

    /// <summary>bfloat16: 2 bytes.</summary>
    Bf16,
}

/// <summary>Widths and names of <see cref="PlanDtype"/>.</summary>
public static class PlanDtypes
{
    public static int Bytes(this PlanDtype dtype) => dtype == PlanDtype.Bf16 ? 2 : 4;

    public static string Name(this PlanDtype dtype) => dtype == PlanDtype.Bf16 ? "bf16" : "fp32";

    /// <summary>The dtype of a step's <c>dtype</c> input (<c>fp32</c>, <c>bf16</c>).</summary>
    public static PlanDtype FromStepInput(string? dtype) =>
        dtype?.Trim().ToLowerInvariant() is "bf16" or "bfloat16" ? PlanDtype.Bf16 : PlanDtype.Fp32;

    /// <summary>The dtype of a Hugging Face <c>torch_dtype</c> value (<c>bfloat16</c>, <c>float16</c>, <c>float32</c>); fp32 when absent.</summary>
    public static PlanDtype FromTorchDtype(string? torchDtype) => torchDtype switch
    {
        "bfloat16" or "float16" => PlanDtype.Bf16, // both 2 bytes; only the width matters here
        _ => PlanDtype.Fp32,
    };
}
