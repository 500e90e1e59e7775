using System.Globalization;
using System.Text.Json.Nodes;

namespace T1.Ml.Training;

/// <summary>
/// Watches an RL run for the three ways it goes wrong without crashing: entropy collapse (the policy
/// stops exploring), KL blow-up (it runs away from its anchor) and length runaway (responses hit the
/// token limit). An alarm fires when its quantity is past the threshold for <see cref="RlAlarmOptions.Patience"/>
/// consecutive steps, by throwing <see cref="RlAlarmException"/> — never a silent drift.
/// </summary>
public sealed class RlHealthAlarms(RlAlarmOptions options)
{
    /// <summary>Values kept per quantity for the message (and across a resume).</summary>
    public const int Window = 8;

    private readonly Dictionary<string, List<(long Step, double Value)>> _recent = new(StringComparer.Ordinal)
    {
        ["entropy"] = [], ["kl"] = [], ["overlong_ratio"] = [],
    };

    /// <summary>Records one step's values and throws when an alarm fires.</summary>
    /// <exception cref="RlAlarmException">Which alarm, at which step, with the recent values.</exception>
    public void Observe(long step, double entropy, double kl, double overlongRatio)
    {
        Record("entropy", step, entropy);
        Record("kl", step, kl);
        Record("overlong_ratio", step, overlongRatio);
        if (options.EntropyMin > 0 && Breached("entropy", v => v < options.EntropyMin))
            throw Alarm("entropy collapse", "entropy", step, $"mean token entropy below {F(options.EntropyMin)} nats",
                "raise entropy_coef, lower lr or temperature, or set alarm_entropy_min: 0 to turn this alarm off");
        if (options.KlMax > 0 && Breached("kl", v => v > options.KlMax || double.IsNaN(v)))
            throw Alarm("KL blow-up", "kl", step, $"KL(π‖π_ref) above {F(options.KlMax)} nats per token",
                "raise kl_coef, lower lr, refresh the anchor more often (anchor_every, anchor_ema), or set alarm_kl_max: 0");
        if (options.OverlongMax > 0 && Breached("overlong_ratio", v => v > options.OverlongMax))
            throw Alarm("length runaway", "overlong_ratio", step, $"more than {F(options.OverlongMax * 100)}% of responses hit max_new_tokens",
                "raise max_new_tokens, lower lr, or set alarm_overlong_max: 0");
    }

    /// <summary>The recent values, for the resume checkpoint.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var (key, list) in _recent)
            o[key] = new JsonArray(list.Select(x => (JsonNode)new JsonArray(x.Step, x.Value)).ToArray());
        return o;
    }

    /// <summary>Restores what <see cref="ToJson"/> wrote (unknown or missing keys are ignored).</summary>
    public void Restore(JsonObject? json)
    {
        if (json is null) return;
        foreach (var (key, list) in _recent)
        {
            list.Clear();
            if (json[key] is not JsonArray arr) continue;
            foreach (var item in arr.OfType<JsonArray>())
                list.Add((item[0]!.GetValue<long>(), item[1]!.GetValue<double>()));
        }
    }

    private void Record(string key, long step, double value)
    {
        var list = _recent[key];
        list.Add((step, value));
        if (list.Count > Window) list.RemoveAt(0);
    }

    private bool Breached(string key, Func<double, bool> bad)
    {
        var list = _recent[key];
        return list.Count >= options.Patience && list.Skip(list.Count - options.Patience).All(x => bad(x.Value));
    }

    private RlAlarmException Alarm(string alarm, string key, long step, string condition, string advice)
    {
        var recent = _recent[key].ToList();
        var values = string.Join(", ", recent.Select(x => $"{x.Step}: {F(x.Value)}"));
        var message = $"RL health alarm '{alarm}' at step {step}: {condition} for {options.Patience} consecutive step(s). " +
                      $"Recent {key} (step: value): {values}. To continue: {advice}.";
        return new RlAlarmException(alarm, step, recent.Select(x => x.Value).ToList(), message);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>An RL health alarm fired: <see cref="Alarm"/> names it, <see cref="Exception.Message"/> says what to do.</summary>
public sealed class RlAlarmException(string alarm, long step, IReadOnlyList<double> recent, string message) : Exception(message)
{
    /// <summary>"entropy collapse", "KL blow-up" or "length runaway".</summary>
    public string Alarm { get; } = alarm;

    /// <summary>The RL step at which it fired.</summary>
    public long Step { get; } = step;

    /// <summary>The quantity's recent values, oldest first.</summary>
    public IReadOnlyList<double> Recent { get; } = recent;
}
