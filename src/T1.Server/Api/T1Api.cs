using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using T1.Server.Auth;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Api;

/// <summary>The JSON API scripts use (roles: viewer reads, operator runs/cancels/resumes, admin publishes definitions): step types, definitions, runs, metrics, logs, artifacts.</summary>
public static class T1Api
{
    public static void MapT1Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(Roles.Viewer);
        api.MapModelApi();
        api.MapArtifactApi();
        api.MapLineageApi();

        api.MapGet("/steps", (StepCatalog catalog) => catalog.All.Select(StepTypeView.From))
            .Doc(ApiDocs.Steps, "List step types with their declared inputs and outputs").Produces<IEnumerable<StepTypeView>>();

        api.MapPost("/definitions/validate", async (HttpRequest request, StepCatalog catalog) =>
        {
            var (text, file, refused) = await WorkflowBody.ReadAsync(request);
            if (refused is not null) return refused;
            var result = WorkflowLoader.Load(text, file, catalog);
            return result.Definition is null
                ? InvalidWorkflow(result)
                : Results.Ok(new ValidationView(true, result.Definition.Name, result.Definition.Steps.Count, result.Definition.ContentHash));
        }).Doc(ApiDocs.Definitions, "Validate a workflow without storing it", 400, 415).Produces<ValidationView>();

        api.MapPost("/definitions", async (HttpRequest request, string? schedule, StepCatalog catalog, ScheduleRegistry schedules, CancellationToken ct) =>
        {
            if (schedule is not (null or "on" or "off"))
                return ApiErrors.Problem("Bad schedule choice", $"schedule must be 'on' (the default: the workflow's schedule: is active once published) or 'off' (published disabled), not '{schedule}'.");
            var (text, file, refused) = await WorkflowBody.ReadAsync(request);
            if (refused is not null) return refused;
            var result = WorkflowLoader.Load(text, file, catalog);
            if (result.Definition is null) return InvalidWorkflow(result);
            var record = await schedules.RegisterAsync(result.Definition, activateSchedule: schedule != "off", ct);
            return Results.Created($"/api/definitions/{record.Id}", DefinitionView.From(record));
        }).RequireAuthorization(Roles.Admin)
            .Doc(ApiDocs.Definitions, "Publish a workflow version (admin); its schedule is active unless ?schedule=off", 400, 415)
            .Produces<DefinitionView>(StatusCodes.Status201Created);

        api.MapGet("/definitions", async (DatabaseFactory db, CancellationToken ct) =>
        {
            await using var ctx = db.Create();
            var all = await ctx.Definitions.OrderBy(d => d.Name).ThenByDescending(d => d.Version).ToListAsync(ct);
            return all.Select(DefinitionView.From);
        }).Doc(ApiDocs.Definitions, "List stored workflow versions, newest version first per name").Produces<IEnumerable<DefinitionView>>();

        api.MapPost("/runs", StartRun.HandleAsync).RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Start a run of a stored workflow (by name and version) or of YAML text, with params as JSON values", 400, 404)
            .Produces<RunView>(StatusCodes.Status201Created);

        api.MapRunSearchApi();

        api.MapGet("/runs/{id}", async (string id, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is { } d ? Results.Ok(RunDetailsView.From(d)) : NotFound(id))
            .Doc(ApiDocs.Runs, "A run with its steps (inputs, outputs, errors) and artifacts", 404).Produces<RunDetailsView>();

        api.MapGet("/runs/{id}/metrics", async (string id, string? step, RunQueries runs, CancellationToken ct) =>
            Results.Ok((await runs.MetricsAsync(id, step, ct)).Select(m => new MetricPointView(m.StepRunId, m.Key, m.Step, double.IsNaN(m.Value) ? null : m.Value, m.Time))))
            .Doc(ApiDocs.Runs, "A run's metric points, of one step or all").Produces<IEnumerable<MetricPointView>>();

        api.MapGet("/runs/{id}/history", async (string id, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is null ? NotFound(id)
            : Results.Ok((await runs.HistoryAsync(id, ct)).Select(t => new TransitionView(t.StepId, t.Attempt, t.From, t.To, t.At, t.By, t.Reason))))
            .Doc(ApiDocs.Runs, "Every state transition of a run and its steps: when, from, to, by whom, why", 404).Produces<IEnumerable<TransitionView>>();

        api.MapGet("/runs/{id}/steps/{stepId}/logs", async (string id, string stepId, RunQueries runs, CancellationToken ct) =>
            Results.Ok((await runs.LogsAsync(id, stepId, 5000, ct)).Select(l => new LogLineView(l.Attempt, l.Time, l.Level, l.Message))))
            .Doc(ApiDocs.Runs, "The last 5000 log lines of a step, all attempts").Produces<IEnumerable<LogLineView>>();

        api.MapPost("/runs/{id}/cancel", async (string id, RunControl control, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is null ? NotFound(id)
            : await control.CancelAsync(id, ct) ? Results.Accepted($"/api/runs/{id}")
            : ApiErrors.Problem("Run is not running", $"run {id} has already finished; nothing to cancel.", StatusCodes.Status409Conflict))
            .RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Cancel a running run (operator)", 404, 409).Produces(StatusCodes.Status202Accepted);

        api.MapPost("/runs/{id}/resume", async (string id, RunControl control, CancellationToken ct) =>
            await control.ResumeAsync(id, ct) switch
            {
                ResumeResult.Resumed => Results.Accepted($"/api/runs/{id}"),
                ResumeResult.NotFound => NotFound(id),
                ResumeResult.StillRunning => ApiErrors.Problem("Run is running", $"run {id} is still running; wait for it to finish or cancel it first.", StatusCodes.Status409Conflict),
                _ => ApiErrors.Problem("Nothing to resume", $"run {id} succeeded; start a new run instead.", StatusCodes.Status409Conflict),
            }).RequireAuthorization(Roles.Operator)
            .Doc(ApiDocs.Runs, "Resume a failed or cancelled run: its failed and cancelled steps run again (operator)", 404, 409).Produces(StatusCodes.Status202Accepted);
    }

    private static IResult NotFound(string id) => ApiErrors.Problem("Run not found", $"there is no run '{id}'; list runs with GET /api/runs.", StatusCodes.Status404NotFound);

    internal static IResult InvalidWorkflow(WorkflowLoadResult result) =>
        ApiErrors.Problem("Invalid workflow", $"{result.Diagnostics.Count} problem(s) in the workflow.", extensions: result.Diagnostics.Select(d => new
        {
            file = d.File, line = d.Line, column = d.Column, message = d.Message, text = d.ToString(),
        }).ToList());
}

