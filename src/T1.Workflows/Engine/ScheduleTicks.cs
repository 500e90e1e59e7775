using Cronos;

namespace T1.Workflows.Engine;

/// <summary>The ticks of a `schedule:` (5-field cron, or 6 with seconds; UTC, as Hangfire fires them).</summary>
public static class ScheduleTicks
{
    private static readonly TimeSpan[] Windows =
        [TimeSpan.FromMinutes(2), TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(63), TimeSpan.FromDays(800)];

    public static CronExpression Parse(string cron) => CronExpression.Parse(cron,
        cron.Split(' ', '\t').Count(p => p.Length > 0) == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    /// <summary>The latest tick at or before <paramref name="at"/> (null when there is none within two years).</summary>
    public static DateTime? Latest(string cron, DateTime at)
    {
        var expression = Parse(cron);
        at = DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc);
        foreach (var window in Windows)
            if (expression.GetOccurrences(at - window, at, fromInclusive: false, toInclusive: true).LastOrDefault() is var tick && tick != default)
                return tick;
        return null;
    }
}
