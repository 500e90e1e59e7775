using Hangfire;

namespace T1.Workflows.Retention;

/// <summary>
/// Registers the scheduled collection from <see cref="RetentionOptions.Schedule"/>: a cron adds or
/// updates the recurring job, <c>off</c> removes it, empty leaves whatever another process registered.
/// </summary>
public static class GcSchedule
{
    public static void Apply(IRecurringJobManager recurring, RetentionOptions options)
    {
        var cron = options.Schedule.Trim();
        if (cron.Length == 0) return;
        if (cron.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            recurring.RemoveIfExists(GcJob.JobId);
            return;
        }
        if (!Cronos.CronExpression.TryParse(cron, Cronos.CronFormat.Standard, out _))
            throw new ArgumentException($"T1:Retention:Schedule '{cron}' is not a cron expression (5 fields, UTC, e.g. '0 4 * * *' for 04:00 daily); set it to one, to 'off', or leave it empty.");
        recurring.AddOrUpdate<GcJob>(GcJob.JobId, "cpu", j => j.RunAsync(CancellationToken.None), cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
    }
}
