using System.Text.Json.Nodes;
using Hangfire;
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
            recurring.AddOrUpdate<ScheduledRunJob>(JobId(definition.Name), "cpu", j => j.StartAsync(record.Id, CancellationToken.None), cron,
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

/// <summary>The recurring job: starts one run of the scheduled definition version with its default params.</summary>
public sealed class ScheduledRunJob(DatabaseFactory database, DefinitionStore definitions, WorkflowEngine engine)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("scheduled run of definition #{0}")]
    public async Task StartAsync(long definitionId, CancellationToken ct)
    {
        DefinitionRecord record;
        await using (var db = database.Create())
            record = await db.Definitions.AsNoTracking().FirstAsync(d => d.Id == definitionId, ct);
        var definition = definitions.Parse(record);
        var boundParams = ParamBinder.Bind(definition, new Dictionary<string, string>());
        await engine.StartRunAsync(record, boundParams, RunTrigger.Schedule, ct);
    }
}
