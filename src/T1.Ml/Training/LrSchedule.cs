namespace T1.Ml.Training;

/// <summary>
/// Learning-rate schedules shared by the trainers (SFT and RL). Steps are optimizer steps counted
/// from 1: the first update uses <c>At(1)</c>.
/// </summary>
public static class LrSchedule
{
    /// <summary>
    /// Linear warmup then cosine decay: steps 1..<paramref name="warmup"/> rise linearly to
    /// <paramref name="peak"/> (step <c>warmup</c> is exactly the peak); the remaining steps follow half a
    /// cosine from <paramref name="peak"/> down to <c>peak × minRatio</c>, reached at
    /// <paramref name="total"/>. Steps past <paramref name="total"/> stay at the floor.
    /// </summary>
    /// <param name="step">Optimizer step, 1-based.</param>
    /// <param name="warmup">Warmup steps (0 = start at the peak).</param>
    /// <param name="total">Total optimizer steps of the run (≥ 1).</param>
    /// <param name="peak">Learning rate after warmup.</param>
    /// <param name="minRatio">Floor as a share of <paramref name="peak"/> (0..1; 0.1 is common).</param>
    public static double WarmupCosine(long step, long warmup, long total, double peak, double minRatio = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        if (minRatio is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "minRatio must be between 0 and 1.");
        if (step <= warmup) return peak * step / warmup;
        var floor = peak * minRatio;
        var decaySteps = total - warmup;
        if (decaySteps <= 0) return peak; // all warmup: stay at the peak after it
        if (step >= total) return floor;
        var progress = (double)(step - warmup) / decaySteps; // in (0, 1)
        return floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * progress));
    }
}
