using System.Globalization;
using System.Text.Json.Nodes;

namespace T1.Ml.Model;

/// <summary>
/// config.json's <c>rope_scaling</c>, as Hugging Face's modeling_rope_utils applies it: <c>linear</c>
/// (position interpolation: frequencies divided by <see cref="Factor"/>) and <c>yarn</c> (the Qwen2.5
/// long-context setting, e.g. <c>{"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}</c>:
/// low frequencies interpolated, high ones kept, over a ramp set by β fast/slow, and cos/sin scaled by the
/// attention factor). Like Hugging Face, the scaled frequencies are used at every length. Other types
/// (dynamic, longrope, llama3, mrope) are refused when the config is read.
/// </summary>
public sealed record RopeScaling
{
    /// <summary><c>linear</c> or <c>yarn</c>.</summary>
    public required string Type { get; init; }

    /// <summary>How many times the pre-scaling context is stretched (≥ 1).</summary>
    public required double Factor { get; init; }

    /// <summary>The context length the model was pre-trained with (yarn: required for the ramp; defaults to max_position_embeddings when read).</summary>
    public int? OriginalMaxPositions { get; init; }

    /// <summary>yarn: cos/sin scale; when null 0.1·ln(factor)+1 (or the mscale ratio).</summary>
    public double? AttentionFactor { get; init; }

    /// <summary>yarn: rotations per context above which a frequency is kept as is (default 32).</summary>
    public double? BetaFast { get; init; }

    /// <summary>yarn: rotations per context below which a frequency is fully interpolated (default 1).</summary>
    public double? BetaSlow { get; init; }

    /// <summary>yarn: DeepSeek-style mscale (with <see cref="MscaleAllDim"/>).</summary>
    public double? Mscale { get; init; }

    /// <summary>yarn: DeepSeek-style mscale_all_dim.</summary>
    public double? MscaleAllDim { get; init; }

    /// <summary>yarn: round the ramp's ends to whole dimensions (default true).</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>
    /// Reads <paramref name="node"/> (config.json's rope_scaling; <paramref name="file"/> names it in errors).
    /// Null or type <c>default</c> gives null (no scaling).
    /// </summary>
    public static RopeScaling? FromHfJson(JsonNode? node, int maxPositionEmbeddings, string file)
    {
        if (node is null) return null;
        if (node is not JsonObject o)
            throw new FormatException($"{file}: rope_scaling must be an object or null, got {node.ToJsonString()}.");
        var type = (string?)(o["rope_type"] ?? o["type"]);
        if (type is null or "default") return null;
        if (type is not ("linear" or "yarn"))
            throw new FormatException(
                $"{file}: rope_scaling {o.ToJsonString()} is not supported: type '{type}' is not implemented (linear and yarn are, as Qwen2.5 uses). " +
                "Remove rope_scaling (the model then covers max_position_embeddings) or use a checkpoint without it.");
        double Number(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d)
            ? d : throw new FormatException($"{file}: rope_scaling {o.ToJsonString()} needs a number '{key}'.");
        double? Optional(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
        var factor = Number("factor");
        if (factor < 1) throw new FormatException($"{file}: rope_scaling factor {factor.ToString(CultureInfo.InvariantCulture)} must be at least 1.");
        return new RopeScaling
        {
            Type = type,
            Factor = factor,
            OriginalMaxPositions = (int?)Optional("original_max_position_embeddings") ?? maxPositionEmbeddings,
            AttentionFactor = Optional("attention_factor"),
            BetaFast = Optional("beta_fast"),
            BetaSlow = Optional("beta_slow"),
            Mscale = Optional("mscale"),
            MscaleAllDim = Optional("mscale_all_dim"),
            Truncate = (bool?)o["truncate"] ?? true,
        };
    }

    /// <summary>This scaling as config.json's rope_scaling object.</summary>
    public JsonObject ToHfJson()
    {
        var o = new JsonObject { ["type"] = Type, ["rope_type"] = Type, ["factor"] = Factor };
        if (OriginalMaxPositions is int p) o["original_max_position_embeddings"] = p;
        if (AttentionFactor is double a) o["attention_factor"] = a;
        if (BetaFast is double bf) o["beta_fast"] = bf;
        if (BetaSlow is double bs) o["beta_slow"] = bs;
        if (Mscale is double m) o["mscale"] = m;
        if (MscaleAllDim is double md) o["mscale_all_dim"] = md;
        if (!Truncate) o["truncate"] = false;
        return o;
    }

    /// <summary>Positions the scaled model covers: factor × the original context.</summary>
    public int ScaledPositions(int maxPositionEmbeddings) => (int)Math.Min(int.MaxValue, Factor * (OriginalMaxPositions ?? maxPositionEmbeddings));

    /// <summary>
    /// Inverse frequencies (D/2) for head width <paramref name="headDim"/> and base <paramref name="theta"/>,
    /// and the factor cos/sin are multiplied by.
    /// </summary>
    public (double[] InvFreq, double AttentionScale) Frequencies(int headDim, double theta, int maxPositionEmbeddings)
    {
        int half = headDim / 2;
        var plain = new double[half];
        for (int i = 0; i < half; i++) plain[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        if (Type == "linear") return (plain.Select(f => f / Factor).ToArray(), 1.0);

        double original = OriginalMaxPositions ?? maxPositionEmbeddings;
        static double MscaleOf(double scale, double m) => scale <= 1 ? 1.0 : 0.1 * m * Math.Log(scale) + 1.0;
        double attention = AttentionFactor
            ?? (Mscale is double ms && ms != 0 && MscaleAllDim is double ma && ma != 0
                ? MscaleOf(Factor, ms) / MscaleOf(Factor, ma)
                : MscaleOf(Factor, 1.0));
        double CorrectionDim(double rotations) => headDim * Math.Log(original / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        double low = CorrectionDim(BetaFast ?? 32), high = CorrectionDim(BetaSlow ?? 1);
        if (Truncate) (low, high) = (Math.Floor(low), Math.Ceiling(high));
        low = Math.Max(low, 0);
        high = Math.Min(high, headDim - 1);
        if (low == high) high += 0.001;
        var inv = new double[half];
        for (int i = 0; i < half; i++)
        {
            double ramp = Math.Clamp((i - low) / (high - low), 0, 1); // 0: keep the frequency, 1: interpolate it
            inv[i] = plain[i] / Factor * ramp + plain[i] * (1 - ramp);
        }
        return (inv, attention);
    }
}
