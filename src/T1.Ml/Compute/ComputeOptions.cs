namespace T1.Ml.Compute;

/// <summary>Process-wide compute settings (section <c>T1:Compute</c>).</summary>
public sealed class ComputeOptions
{
    /// <summary>
    /// glibc heap mode for CPU tensors (<see cref="NativeHeap"/>): <c>compact</c> (freed tensors go back to the system:
    /// lowest peak memory, more time in page faults) or <c>glibc</c> (its defaults: faster, a higher peak). Null or
    /// blank: the host's default, <see cref="Compute.NativeHeap.Default"/>, or <see cref="Compute.NativeHeap.ServingDefault"/>
    /// on a host that only serves models.
    /// </summary>
    public string? NativeHeap { get; set; }
}
