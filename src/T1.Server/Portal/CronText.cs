using System.Globalization;

namespace T1.Server.Portal;

/// <summary>
/// Cron expressions in words for the Schedules page: the common 5-field (minute hour day month weekday) and
/// 6-field (seconds first) forms and the @hourly/@daily/… macros. Anything else comes back as the expression itself.
/// </summary>
public static class CronText
{
    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] DayAbbreviations = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;

    /// <summary>The expression in words ("every day at 03:00", "every 15 minutes on weekdays"), or the expression itself.</summary>
    public static string Describe(string? expression)
    {
        var text = (expression ?? "").Trim();
        var words = text.ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "every year on 1 January at 00:00",
            "@monthly" => "at 00:00 on the 1st of every month",
            "@weekly" => "at 00:00 on Sundays",
            "@daily" or "@midnight" => "every day at 00:00",
            "@hourly" => "every hour at :00",
            "@every_minute" => "every minute",
            "@every_second" => "every second",
            _ => Fields(text.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
        };
        return words ?? text;
    }

    private static string? Fields(string[] f)
    {
        if (f.Length == 6)
        {
            if (f[0] == "*" && f[1] == "*" && f[2] == "*") return Days(f[3], f[4], f[5]) is { } everyDay ? Join("every second", everyDay) : null;
            if (f[0] != "0") return null;
            f = f[1..];
        }
        if (f.Length != 5) return null;
        var days = Days(f[2], f[3], f[4]);
        if (days is null) return null;
        var (minute, hour) = (f[0], f[1]);

        if (minute == "*" && hour == "*") return Join("every minute", days);
        if (Step(minute) is { } everyMinutes && hour == "*") return Join(everyMinutes == 1 ? "every minute" : $"every {everyMinutes} minutes", days);
        if (Number(minute, 0, 59) is not { } m) return null;
        if (hour == "*") return Join($"every hour at :{m:00}", days);
        if (Step(hour) is { } everyHours) return Join(everyHours == 1 ? $"every hour at :{m:00}" : $"every {everyHours} hours at :{m:00}", days);
        var hours = List(hour, 0, 23);
        if (hours is null) return null;
        var times = Words(hours.Select(h => $"{h:00}:{m:00}").ToList());
        return days.Length == 0 ? $"every day at {times}" : $"at {times} {days}";
    }

    /// <summary>The day part: "" for every day, "on weekdays", "on the 1st of every month", …; null when not a common form.</summary>
    private static string? Days(string dom, string month, string dow)
    {
        if (dom == "?") dom = "*";
        if (dow == "?") dow = "*";
        string? onDays = null;
        if (dow != "*")
        {
            var days = WeekDays(dow);
            if (days is null) return null;
            onDays = days.SetEquals([1, 2, 3, 4, 5]) ? "on weekdays"
                : days.SetEquals([0, 6]) ? "on weekends"
                : "on " + Words(days.Order().Select(d => DayNames[d] + "s").ToList());
        }
        if (dom == "*" && month == "*") return onDays ?? "";
        if (onDays is not null) return null;
        var dayOfMonth = List(dom, 1, 31);
        if (dayOfMonth is null) return null;
        var ofMonth = Words(dayOfMonth.Select(Ordinal).ToList());
        if (month == "*") return $"on the {ofMonth} of every month";
        var months = List(month, 1, 12);
        return months is null ? null : $"on the {ofMonth} of {Words(months.Select(x => MonthNames[x - 1]).ToList())}";
    }

    private static HashSet<int>? WeekDays(string field)
    {
        var result = new HashSet<int>();
        foreach (var part in field.ToUpperInvariant().Split(','))
        {
            var range = part.Split('-');
            if (range.Length > 2 || range.Select(Day).Any(d => d is null)) return null;
            var (from, to) = (Day(range[0])!.Value, Day(range[^1])!.Value);
            if (to < from) return null;
            for (var d = from; d <= to; d++) result.Add(d % 7);
        }
        return result;
    }

    private static int? Day(string text)
    {
        var i = Array.IndexOf(DayAbbreviations, text);
        return i >= 0 ? i : Number(text, 0, 7);
    }

    private static List<int>? List(string field, int min, int max)
    {
        var values = new List<int>();
        foreach (var part in field.Split(','))
        {
            if (Number(part, min, max) is not { } v) return null;
            values.Add(v);
        }
        return values;
    }

    private static int? Step(string field) =>
        field.StartsWith("*/", StringComparison.Ordinal) && Number(field[2..], 1, 59) is { } n ? n : null;

    private static int? Number(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null;

    private static string Join(string what, string? days) => string.IsNullOrEmpty(days) ? what : what + " " + days;

    private static string Words(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    private static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
