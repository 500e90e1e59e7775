using System.Globalization;

namespace T1.Server.Portal.Charts;

/// <summary>Numbers written short for chart hovers and value tables.</summary>
public static class NumberText
{
    /// <summary>At most about 6 characters: 27.4k, 1.2M, 2.6e-7, 0.0123.</summary>
    public static string Compact(double v)
    {
        var a = Math.Abs(v);
        if (a >= 1e6) return (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        if (a >= 1e4) return (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k";
        if (a >= 1e3) return v.ToString("0", CultureInfo.InvariantCulture);
        if (a is > 0 and < 1e-3) return v.ToString("0.#e0", CultureInfo.InvariantCulture);
        return v.ToString("G3", CultureInfo.InvariantCulture);
    }

    /// <summary>A value as a table shows it: up to 6 significant digits.</summary>
    public static string Full(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
