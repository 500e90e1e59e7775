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

        api.MapGet("/steps", (StepCatalog catalog) => catalog.All.Select(StepTypeView.From));

        api.MapPost("/definitions/validate", async (HttpRequest request, StepCatalog catalog) =>
        {
            var (text, file, refused) = await WorkflowBody.ReadAsync(request);
            if (refused is not null) return refused;
            var result = WorkflowLoader.Load(text, file, catalog);
            return result.Definition is null
                ? InvalidWorkflow(result)
                : Results.Ok(new { valid = true, name = result.Definition.Name, steps = result.Definition.Steps.Count, content_hash = result.Definition.ContentHash });
        });

        api.MapPost("/definitions", async (HttpRequest request, StepCatalog catalog, ScheduleRegistry schedules, CancellationToken ct) =>
        {
            var (text, file, refused) = await WorkflowBody.ReadAsync(request);
            if (refused is not null) return refused;
            var result = WorkflowLoader.Load(text, file, catalog);
            if (result.Definition is null) return InvalidWorkflow(result);
            var record = await schedules.RegisterAsync(result.Definition, ct);
            return Results.Created($"/api/definitions/{record.Id}", DefinitionView.From(record));
        }).RequireAuthorization(Roles.Admin);

        api.MapGet("/definitions", async (DatabaseFactory db, CancellationToken ct) =>
        {
            await using var ctx = db.Create();
            var all = await ctx.Definitions.OrderBy(d => d.Name).ThenByDescending(d => d.Version).ToListAsync(ct);
            return all.Select(DefinitionView.From);
        });

        api.MapPost("/runs", StartRun.HandleAsync).RequireAuthorization(Roles.Operator);

        api.MapGet("/runs", async (RunQueries runs, int? limit, int? offset, string? workflow, string? status, CancellationToken ct) =>
        {
            RunStatus? s = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed))
                    return ApiErrors.Problem("Bad status", $"status '{status}' is not one of {string.Join(", ", Enum.GetNames<RunStatus>()).ToLowerInvariant()}.");
                s = parsed;
            }
            var list = await runs.ListAsync(Math.Clamp(limit ?? 50, 1, 1000), Math.Max(0, offset ?? 0), workflow, s, ct);
            return Results.Ok(list.Select(RunView.From));
        });

        api.MapGet("/runs/{id}", async (string id, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is { } d ? Results.Ok(RunDetailsView.From(d)) : NotFound(id));

        api.MapGet("/runs/{id}/metrics", async (string id, string? step, RunQueries runs, CancellationToken ct) =>
            Results.Ok((await runs.MetricsAsync(id, step, ct)).Select(m => new { m.StepRunId, m.Key, m.Step, value = double.IsNaN(m.Value) ? (double?)null : m.Value, m.Time })));

        api.MapGet("/runs/{id}/history", async (string id, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is null ? NotFound(id)
            : Results.Ok((await runs.HistoryAsync(id, ct)).Select(t => new { t.StepId, t.Attempt, t.From, t.To, t.At, t.By, t.Reason })));

        api.MapGet("/runs/{id}/steps/{stepId}/logs", async (string id, string stepId, RunQueries runs, CancellationToken ct) =>
            Results.Ok((await runs.LogsAsync(id, stepId, 5000, ct)).Select(l => new { l.Attempt, l.Time, l.Level, l.Message })));

        api.MapPost("/runs/{id}/cancel", async (string id, RunControl control, RunQueries runs, CancellationToken ct) =>
            await runs.GetAsync(id, ct) is null ? NotFound(id)
            : await control.CancelAsync(id, ct) ? Results.Accepted($"/api/runs/{id}")
            : ApiErrors.Problem("Run is not running", $"run {id} has already finished; nothing to cancel.", StatusCodes.Status409Conflict))
            .RequireAuthorization(Roles.Operator);

        api.MapPost("/runs/{id}/resume", async (string id, RunControl control, CancellationToken ct) =>
            await control.ResumeAsync(id, ct) switch
            {
                ResumeResult.Resumed => Results.Accepted($"/api/runs/{id}"),
                ResumeResult.NotFound => NotFound(id),
                ResumeResult.StillRunning => ApiErrors.Problem("Run is running", $"run {id} is still running; wait for it to finish or cancel it first.", StatusCodes.Status409Conflict),
                _ => ApiErrors.Problem("Nothing to resume", $"run {id} succeeded; start a new run instead.", StatusCodes.Status409Conflict),
            }).RequireAuthorization(Roles.Operator);
    }

    private static IResult NotFound(string id) => ApiErrors.Problem("Run not found", $"there is no run '{id}'; list runs with GET /api/runs.", StatusCodes.Status404NotFound);

    internal static IResult InvalidWorkflow(WorkflowLoadResult result) =>
        ApiErrors.Problem("Invalid workflow", $"{result.Diagnostics.Count} problem(s) in the workflow.", extensions: result.Diagnostics.Select(d => new
        {
            file = d.File, line = d.Line, column = d.Column, message = d.Message, text = d.ToString(),
        }).ToList());
}

