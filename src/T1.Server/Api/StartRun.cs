using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using T1.Server.Auth;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Api;

/// <summary>
/// <c>POST /api/runs</c> (operator): starts a run of a stored workflow version, named (<c>{"name", "version"}</c>; the
/// latest when no version) or given as its YAML text. YAML that is not stored yet would publish a new version
/// (with its schedule), so it needs the admin role, like <c>POST /api/definitions</c>.
/// </summary>
internal static class StartRun
{
    public static async Task<IResult> HandleAsync(StartRunRequest body, HttpContext http, StepCatalog catalog, WorkflowEngine engine,
        DefinitionStore definitions, DatabaseFactory database, CancellationToken ct)
    {
        var overrides = body.Params ?? new Dictionary<string, JsonNode?>();
        try
        {
            if (!string.IsNullOrWhiteSpace(body.Workflow))
            {
                var result = WorkflowLoader.Load(body.Workflow, body.FileName ?? "request.yaml", catalog);
                if (result.Definition is not { } definition) return T1Api.InvalidWorkflow(result);
                if (!http.User.IsInRole(Roles.Admin) && await FindAsync(database, definition.Name, d => d.ContentHash == definition.ContentHash, ct) is null)
                    return ApiErrors.Problem("Publishing needs the admin role",
                        $"this text of workflow '{definition.Name}' is not stored yet, and running it would publish it as a new version, which needs the admin role. "
                        + $"Start a stored version with {{\"name\": \"{definition.Name}\", \"version\": N, \"params\": {{…}}}} (GET /api/definitions lists them), or ask an admin to publish it.",
                        StatusCodes.Status403Forbidden);
                var bound = ParamBinder.Bind(definition, overrides); // before storing: a bad param publishes nothing
                var run = await engine.StartRunAsync(await definitions.SaveAsync(definition, ct), bound, RunTrigger.Api, ct, startedBy: http.User.Identity?.Name);
                return Results.Created($"/api/runs/{run.Id}", RunView.From(run));
            }
            if (!string.IsNullOrWhiteSpace(body.Name))
            {
                var record = await FindAsync(database, body.Name.Trim(), d => body.Version == null || d.Version == body.Version, ct);
                if (record is null)
                    return ApiErrors.Problem("Workflow not found", $"there is no stored workflow '{body.Name}'{(body.Version is { } v ? $" version {v}" : "")}; GET /api/definitions lists them.", StatusCodes.Status404NotFound);
                var bound = ParamBinder.Bind(definitions.Parse(record), overrides);
                var run = await engine.StartRunAsync(record, bound, RunTrigger.Api, ct, startedBy: http.User.Identity?.Name);
                return Results.Created($"/api/runs/{run.Id}", RunView.From(run));
            }
        }
        catch (WorkflowParamException e)
        {
            return ApiErrors.Problem("Bad param", e.Message, extensions: new[] { new { param = e.Param, message = e.Message } });
        }
        return ApiErrors.Problem("Missing workflow", "send {\"name\": \"<stored workflow>\", \"version\": N, \"params\": {\"name\": \"value\"}} or {\"workflow\": \"<YAML text>\", \"params\": {…}}.");
    }

    /// <summary>The newest stored version of the workflow that matches, or null.</summary>
    private static async Task<DefinitionRecord?> FindAsync(DatabaseFactory database, string name, System.Linq.Expressions.Expression<Func<DefinitionRecord, bool>> match, CancellationToken ct)
    {
        await using var db = database.Create();
        return await db.Definitions.Where(d => d.Name == name).Where(match).OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
    }
}

/// <summary>Body of <c>POST /api/runs</c>: a stored workflow by <see cref="Name"/> (and <see cref="Version"/>), or its YAML text.</summary>
/// <remarks>Params are JSON values checked against the workflow's declared params: a number, boolean, list or object must
/// have the kind of the param's default; a string is read like <c>t1 run --param NAME=TEXT</c>.</remarks>
public sealed record StartRunRequest(string? Workflow, Dictionary<string, JsonNode?>? Params, string? FileName, string? Name = null, int? Version = null);
