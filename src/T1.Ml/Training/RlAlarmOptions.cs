using System.Globalization;

namespace T1.Ml.Training;

/// <summary>
/// Thresholds of the RL health alarms. An alarm fires when its quantity is past the threshold for
/// <see cref="Patience"/> consecutive steps; 0 turns an alarm off.
/// </summary>
public sealed record RlAlarmOptions
{
    /// <summary>Entropy collapse: mean per-token entropy (nats) below this.</summary>
    public double EntropyMin { get; init; } = RlDefaults.AlarmEntropyMin;

    /// <summary>KL blow-up: mean KL(π‖π_ref) per response token (nats, k3 estimate) above this.</summary>
    public double KlMax { get; init; } = RlDefaults.AlarmKlMax;

    /// <summary>Length runaway: share of responses that hit max_new_tokens above this (0..1).</summary>
    public double OverlongMax { get; init; } = RlDefaults.AlarmOverlongMax;

    /// <summary>Consecutive bad steps before an alarm fires.</summary>
    public int Patience { get; init; } = RlDefaults.AlarmPatience;

    public void Validate()
    {
        if (EntropyMin < 0) throw new ArgumentException($"alarm_entropy_min must be ≥ 0, got {EntropyMin.ToString(CultureInfo.InvariantCulture)}");
        if (KlMax < 0) throw new ArgumentException($"alarm_kl_max must be ≥ 0, got {KlMax.ToString(CultureInfo.InvariantCulture)}");
        if (OverlongMax is < 0 or > 1) throw new ArgumentException($"alarm_overlong_max must be between 0 and 1, got {OverlongMax.ToString(CultureInfo.InvariantCulture)}");
        if (Patience < 1) throw new ArgumentException($"alarm_patience must be at least 1, got {Patience}");
    }
}
