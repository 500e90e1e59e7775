using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;
using T1.Workflows.Definitions;

namespace T1.Workflows.Engine;

/// <summary>
/// Turns a definition's `schedule:` into a Hangfire recurring job <c>workflow:&lt;name&gt;</c>.
/// Hangfire's recurring-job scheduler takes a distributed lock per tick, so with any number
/// of server processes each tick starts exactly one run.
/// </summary>
public sealed class ScheduleRegistry(IRecurringJobManager recurring, DefinitionStore definitions, ILogger<ScheduleRegistry> logger)
{
    public static string JobId(string workflowName) => $"workflow:{workflowName}";

    /// <summary>
    /// Stores the definition and (re)registers its schedule, or removes it when the definition has none or
    /// <paramref name="activateSchedule"/> is false (published disabled); returns the stored version.
    /// </summary>
    public async Task<DefinitionRecord> RegisterAsync(WorkflowDefinition definition, CancellationToken ct = default) =>
        await RegisterAsync(definition, activateSchedule: true, ct);

    /// <inheritdoc cref="RegisterAsync(WorkflowDefinition, CancellationToken)"/>
    public async Task<DefinitionRecord> RegisterAsync(WorkflowDefinition definition, bool activateSchedule, CancellationToken ct = default)
    {
        var record = await definitions.SaveAsync(definition, ct);
        if (definition.Schedule is { } cron && activateSchedule)
        {
            recurring.AddOrUpdate<ScheduledRunJob>(JobId(definition.Name), "cpu", j => j.StartAsync(record.Id, null, CancellationToken.None), cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            logger.LogInformation("workflow {Name} v{Version} scheduled: {Cron} (UTC)", record.Name, record.Version, cron);
        }
        else
        {
            recurring.RemoveIfExists(JobId(definition.Name));
        }
        return record;
    }

    public void Unregister(string workflowName) => recurring.RemoveIfExists(JobId(workflowName));
}

/// <summary>
/// The recurring job: starts one run of the scheduled definition version with its default params, for the tick that
/// fired it (the latest occurrence of the schedule at Hangfire's trigger time); the run's id is derived from the tick,
/// so however many servers fire a tick, it has one run.
/// </summary>
public sealed class ScheduledRunJob(DatabaseFactory database, DefinitionStore definitions, WorkflowEngine engine)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("scheduled run of definition #{0}")]
    public Task StartAsync(long definitionId, PerformContext? context, CancellationToken ct)
    {
        // Hangfire stamps a job it creates for a recurring job with the trigger time ("Time", unix seconds).
        var time = context?.GetJobParameter<long?>("Time") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : DateTime.UtcNow;
        return StartForAsync(definitionId, time, ct);
    }

    /// <summary>Jobs registered before the tick was read (same behaviour, the tick taken at the time the job runs).</summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("scheduled run of definition #{0}")]
    public Task StartAsync(long definitionId, CancellationToken ct) => StartForAsync(definitionId, DateTime.UtcNow, ct);

    /// <summary>Starts (once) the run of the schedule's tick at or last before <paramref name="firedAt"/>.</summary>
    public async Task<RunRecord> StartForAsync(long definitionId, DateTime firedAt, CancellationToken ct = default)
    {
        DefinitionRecord record;
        await using (var db = database.Create())
            record = await db.Definitions.AsNoTracking().FirstAsync(d => d.Id == definitionId, ct);
        var definition = definitions.Parse(record);
        var boundParams = ParamBinder.Bind(definition, new Dictionary<string, string>());
        var tick = definition.Schedule is { } cron ? ScheduleTicks.Latest(cron, firedAt) : null;
        return await engine.StartRunAsync(record, boundParams, RunTrigger.Schedule, ct, scheduledFor: tick);
    }
}
