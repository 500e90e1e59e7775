using TorchSharp;

namespace T1.Ml.Compute;

/// <summary>Turns a user's device choice into a torch device.</summary>
public static class DeviceSelector
{
    /// <summary>
    /// <c>auto</c>: CUDA device 0 when CUDA is available, else CPU. <c>cpu</c>: CPU.
    /// <c>cuda</c> / <c>cuda:N</c>: that CUDA device, or an error that says what to do when CUDA is
    /// missing or N is out of range. Case and surrounding spaces are ignored.
    /// </summary>
    public static torch.Device Resolve(string? spec)
    {
        var s = (spec ?? "auto").Trim().ToLowerInvariant();
        if (s is "" or "auto")
        {
            return torch.cuda.is_available() ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;
        }
        if (s == "cpu")
        {
            return torch.CPU;
        }
        if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (s.Length > 4 && !int.TryParse(s.AsSpan(5), out index))
            {
                throw new ArgumentException($"Device '{spec}' has no valid CUDA index; write cuda:0, cuda:1, ...", nameof(spec));
            }
            if (!torch.cuda.is_available())
            {
                throw new InvalidOperationException(
                    $"Device '{spec}' was asked for but CUDA is not available in this process. " +
                    "Build with -p:T1Compute=cuda on a machine with an NVIDIA driver, or use device 'cpu' or 'auto'.");
            }
            int count = torch.cuda.device_count();
            if (index < 0 || index >= count)
            {
                throw new ArgumentException($"Device '{spec}' does not exist: this machine has {count} CUDA device(s) (cuda:0..cuda:{count - 1}).", nameof(spec));
            }
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Unknown device '{spec}'. Use auto, cpu, cuda or cuda:N.", nameof(spec));
    }
}
