using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// The orchestrator: creates runs and moves them forward. Every transition goes through
/// <see cref="StateWriter"/> (conditional and recorded), so any number of processes may call
/// <see cref="AdvanceAsync"/> for the same run at once: each step is enqueued at most once per
/// transition, and the run is finalised once.
/// </summary>
public sealed class WorkflowEngine(
    DatabaseFactory database, DefinitionStore definitions, StepCatalog catalog,
    IJobDispatcher dispatcher, EngineOptions options, ILogger<WorkflowEngine> logger)
{
    /// <summary>Stores the definition, creates the run and enqueues its first steps.</summary>
    public async Task<RunRecord> StartRunAsync(WorkflowDefinition definition, IReadOnlyDictionary<string, string> paramOverrides,
        RunTrigger trigger, CancellationToken ct = default, bool noCache = false, string? startedBy = null)
    {
        var boundParams = ParamBinder.Bind(definition, paramOverrides); // throws WorkflowParamException on unknown params
        var record = await definitions.SaveAsync(definition, ct);
        return await StartRunAsync(record, boundParams, trigger, ct, noCache, startedBy);
    }

    /// <summary>
    /// Starts a run of a stored definition (scheduled runs, API); <paramref name="startedBy"/> names who (the schedule's runs say
    /// <c>schedule</c>). A run for a schedule's tick (<paramref name="scheduledFor"/>) has the id <see cref="RunIds.ForTick"/>: a second
    /// start for the same tick (another server firing it too) returns the run the first one started.
    /// </summary>
    public async Task<RunRecord> StartRunAsync(DefinitionRecord record, JsonObject boundParams, RunTrigger trigger, CancellationToken ct = default,
        bool noCache = false, string? startedBy = null, DateTime? scheduledFor = null)
    {
        var definition = definitions.Parse(record);
        var owner = options.ProcessLocalJobs ? RunOwner.Current : null;
        var runId = scheduledFor is { } tick ? RunIds.ForTick(record.Name, tick) : RunIds.New();
        if (scheduledFor is not null && await FindAsync(runId, ct) is { } started) return AlreadyStarted(started);
        using var activity = EngineTelemetry.StartRun(runId, record.Name, trigger.ToString().ToLowerInvariant());
        RunRecord run = null!;
        try
        {
            await using var db = database.Create();
            await db.InTransactionAsync(async token =>
            {
                var now = await DbClock.NowAsync(db, token);
                run = new RunRecord
                {
                    Id = runId, DefinitionId = record.Id, WorkflowName = record.Name, DefinitionVersion = record.Version,
                    Status = RunStatus.Running, Trigger = trigger, ParamsJson = boundParams.ToJsonString(), CreatedAt = now,
                    OwnerHost = owner?.Host, OwnerPid = owner?.Pid, OwnerStartedAt = owner?.StartedAt, NoCache = noCache,
                    StartedBy = startedBy ?? (trigger == RunTrigger.Schedule ? "schedule" : null),
                    TraceParent = activity?.Id, ScheduledFor = scheduledFor,
                };
                var steps = definition.Steps.Select(s => new StepRunRecord
                {
                    RunId = runId, StepId = s.Id, StepType = s.Uses, Queue = s.Queue, Status = StepStatus.Pending,
                }).ToList();
                db.Runs.Add(run);
                db.StepRuns.AddRange(steps);
                StateWriter.Created(db, run, steps, trigger == RunTrigger.Schedule ? Actor.Schedule : Actor.User,
                    $"started ({trigger.ToString().ToLowerInvariant()}){(noCache ? ", --no-cache" : "")}", now);
                await db.SaveChangesAsync(token);
            }, ct);
        }
        catch (DbUpdateException) when (scheduledFor is not null)
        {
            // Another process inserted the tick's run between the look-up and this insert.
            if (await FindAsync(runId, CancellationToken.None) is not { } raced) throw;
            return AlreadyStarted(raced);
        }
        logger.LogInformation("run {RunId} of {Workflow} v{Version} started ({Trigger})", run.Id, record.Name, record.Version, trigger);
        await AdvanceAsync(run.Id, ct);
        return run;
    }

    private async Task<RunRecord?> FindAsync(string runId, CancellationToken ct)
    {
        await using var db = database.Create();
        return await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
    }

    private RunRecord AlreadyStarted(RunRecord run)
    {
        logger.LogInformation("run {RunId}: the tick {Tick:O} of {Workflow}'s schedule already started it; not starting another", run.Id, run.ScheduledFor, run.WorkflowName);
        return run;
    }

    /// <summary>
    /// Enqueues every pending step whose needs have succeeded (or reuses a cached result),
    /// skips steps whose needs failed, and finalises the run when every step is final.
    /// </summary>
    public async Task AdvanceAsync(string runId, CancellationToken ct = default)
    {
        for (var pass = 0; pass < 10_000; pass++)
        {
            await using var db = database.Create();
            var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null || run.Status != RunStatus.Running) return;
            var steps = await db.StepRuns.AsNoTracking().Where(s => s.RunId == runId).ToDictionaryAsync(s => s.StepId, ct);
            var definition = await definitions.GetAsync(run.DefinitionId, ct);
            var @params = JsonNode.Parse(run.ParamsJson)!.AsObject();

            var changed = false;
            foreach (var def in definition.TopologicalOrder())
            {
                var step = steps[def.Id];
                if (step.Status != StepStatus.Pending) continue;
                var needs = def.Needs.Select(n => steps[n]).ToList();
                if (needs.FirstOrDefault(n => n.Status is StepStatus.Failed or StepStatus.Cancelled or StepStatus.Skipped) is { } why)
                {
                    var reason = $"skipped: upstream step '{why.StepId}' {why.Status.ToString().ToLowerInvariant()}";
                    changed |= await StateWriter.StepAsync(db, step, StepStatus.Pending, StepStatus.Skipped, Actor.Engine, reason,
                        (u, now) => u.SetProperty(s => s.Error, reason).SetProperty(s => s.FinishedAt, now), ct: ct);
                    continue;
                }
                if (needs.Any(n => n.Status != StepStatus.Succeeded)) continue;
                changed |= await ReadyAsync(db, run, def, step, steps, @params, ct);
            }
            if (changed) continue; // cached or skipped steps may have unblocked others

            if (steps.Values.All(s => s.Status.IsFinal()))
                await FinishRunAsync(db, run, steps.Values, ct);
            return;
        }
    }

    private async Task<bool> ReadyAsync(T1DbContext db, RunRecord run, StepDefinition def, StepRunRecord step,
        Dictionary<string, StepRunRecord> steps, JsonObject @params, CancellationToken ct)
    {
        var type = catalog.Find(def.Uses);
        JsonObject inputs;
        try
        {
            inputs = ResolveInputs(def, type, steps, @params);
        }
        catch (Exception e) when (e is ExpressionException or StepInputException or JsonException)
        {
            var error = $"step '{def.Id}': {e.Message}";
            return await StateWriter.StepAsync(db, step, StepStatus.Pending, StepStatus.Failed, Actor.Engine, error,
                (u, now) => u.SetProperty(s => s.Error, error).SetProperty(s => s.FinishedAt, now), ct: ct);
        }
        var inputsJson = CanonicalJson.Write(inputs);
        var key = StepCacheKey.Compute(def, type, inputs, inputsJson);

        if (key.Usable && def.Cache && !run.NoCache)
        {
            var hit = await db.StepRuns.AsNoTracking()
                .Where(s => s.CacheKey == key.Value && s.Status == StepStatus.Succeeded && s.Id != step.Id)
                .OrderByDescending(s => s.FinishedAt).FirstOrDefaultAsync(ct);
            if (hit is not null && await ReuseAsync(db, run, step, hit, inputsJson, key.Value, ct))
                return true;
        }

        var cacheKey = key.Usable ? key.Value : null;
        var why = key.Usable ? (def.Cache && !run.NoCache ? "ready" : "ready (cache off)") : $"ready (not cacheable: {key.Why})";
        if (await StateWriter.StepAsync(db, step, StepStatus.Pending, StepStatus.Queued, Actor.Engine, why,
                (u, now) => u.SetProperty(s => s.InputsJson, inputsJson).SetProperty(s => s.CacheKey, cacheKey).SetProperty(s => s.QueuedAt, now), ct: ct))
            await dispatcher.EnqueueStepAsync(database, step.Id, run.Id, def.Id, def.Queue, TimeSpan.Zero, ct);
        return false;
    }

    private static Task<bool> ReuseAsync(T1DbContext db, RunRecord run, StepRunRecord step, StepRunRecord hit,
        string inputsJson, string cacheKey, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var now = await DbClock.NowAsync(db, token);
            var won = await StateWriter.StepAsync(db, step, StepStatus.Pending, StepStatus.Succeeded, Actor.Engine,
                $"cached: same inputs as step '{hit.StepId}' of run {hit.RunId}", (u, _) => u
                    .SetProperty(s => s.InputsJson, inputsJson)
                    .SetProperty(s => s.CacheKey, cacheKey)
                    .SetProperty(s => s.OutputsJson, hit.OutputsJson)
                    .SetProperty(s => s.CachedFromRunId, hit.RunId)
                    .SetProperty(s => s.QueuedAt, now)
                    .SetProperty(s => s.StartedAt, now)
                    .SetProperty(s => s.FinishedAt, now), ct: token);
            if (!won) return false;
            foreach (var a in await db.Artifacts.AsNoTracking().Where(a => a.RunId == hit.RunId && a.StepId == hit.StepId).ToListAsync(token))
                await ArtifactRows.UpsertAsync(db, run.Id, step.StepId, a.Name, a.Sha256, a.Layout, a.Kind, a.Size, now, token);
            return true;
        }, ct);

    /// <summary>The step's `with:` after expressions, plus declared defaults for what it leaves out.</summary>
    internal static JsonObject ResolveInputs(StepDefinition def, StepTypeDescriptor? type, Dictionary<string, StepRunRecord> steps, JsonObject @params)
    {
        var resolved = ExpressionResolver.Resolve(def.With, @params, (stepId, output) =>
            steps.TryGetValue(stepId, out var s) && s.OutputsJson is not null
                ? JsonNode.Parse(s.OutputsJson)?.AsObject()[output]?.DeepClone()
                : null)?.AsObject() ?? new JsonObject();
        if (type is null) return resolved;
        foreach (var input in type.Inputs)
        {
            if (resolved.ContainsKey(input.Name) || input.DefaultValue is null) continue;
            resolved[input.Name] = input.DefaultValue switch
            {
                TimeSpan t => JsonValue.Create(Durations.Format(t)),
                var v => JsonSerializer.SerializeToNode(v),
            };
        }
        // Bind once here so a value that cannot fit its input fails the step before it is queued.
        InputBinder.Bind(type.InputsType, resolved, def.Id);
        return resolved;
    }

    private async Task FinishRunAsync(T1DbContext db, RunRecord run, IEnumerable<StepRunRecord> steps, CancellationToken ct)
    {
        var all = steps.ToList();
        var failed = all.Where(s => s.Status is StepStatus.Failed).ToList();
        var status = failed.Count > 0 ? RunStatus.Failed
            : all.Any(s => s.Status is StepStatus.Interrupted) ? RunStatus.Interrupted
            : all.Any(s => s.Status is StepStatus.Cancelled) ? RunStatus.Cancelled
            : RunStatus.Succeeded;
        var error = failed.Count > 0 ? $"step '{failed[0].StepId}' failed: {failed[0].Error}" : null;
        var reason = error ?? $"all {all.Count} step(s) settled";
        if (await StateWriter.RunAsync(db, run.Id, RunStatus.Running, status, Actor.Engine, reason,
                (u, now) => u.SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, error), ct))
            logger.LogInformation("run {RunId} {Status}", run.Id, status);
    }
}
