using System.Globalization;
using System.Text.RegularExpressions;

namespace T1.Ml.Planning;

/// <summary>
/// Byte counts as people write them: <c>80GiB</c>, <c>141 GB</c>, <c>512MiB</c>. Binary units (KiB, MiB, GiB,
/// TiB) are powers of 1024, decimal ones (KB, MB, GB, TB) powers of 1000; a bare number is bytes.
/// Printed sizes are GiB (MiB below 1 GiB) with one decimal.
/// </summary>
public static partial class DataSize
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <exception cref="FormatException">The message says what was given and how to write it.</exception>
    public static long Parse(string text)
    {
        var m = Pattern().Match(text ?? "");
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !(number > 0))
            throw new FormatException($"'{text}' is not a memory size; write it like 80GiB, 141GB or 512MiB");
        double unit = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "kb" => 1e3, "mb" => 1e6, "gb" => 1e9, "tb" => 1e12,
            "kib" => 1024, "mib" => 1024.0 * 1024, "gib" => GiB, "tib" => GiB * 1024,
            _ => throw new FormatException($"'{text}' has an unknown unit '{m.Groups[2].Value}'; use KiB, MiB, GiB, TiB (1024) or KB, MB, GB, TB (1000)"),
        };
        return (long)Math.Round(number * unit);
    }

    /// <summary>"12.3 GiB" from 1 GiB up, "640.0 MiB" below, "0" for nothing.</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0) return "0";
        if (Math.Abs(bytes) >= GiB) return (bytes / GiB).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";
        return (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
    }

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex Pattern();
}
