using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Workflows.Registry;

namespace T1.Server.Api;

/// <summary>The model registry over HTTP: models, versions (description, tags, archiving, lineage), aliases and their history, promotions.</summary>
public static class ModelApi
{
    public static RouteGroupBuilder MapModelApi(this RouteGroupBuilder api)
    {
        api.MapGet("/models", async (ModelRegistry registry, CancellationToken ct) => await registry.ListAsync(ct))
            .WithName("ListModels").Doc(ApiDocs.Models, "List registered models");

        api.MapGet("/models/{name}", async (string name, ModelRegistry registry, CancellationToken ct) =>
                await registry.GetAsync(name, ct) is { } m ? Results.Ok(ModelView.From(m)) : ModelNotFound(name))
            .WithName("GetModel").Doc(ApiDocs.Models, "A model: versions, aliases, every alias move and promotion decision", 404).Produces<ModelView>();

        api.MapGet("/models/{name}/versions/{version:int}", async (string name, int version, ModelRegistry registry, ModelLineage lineage, CancellationToken ct) =>
            {
                if (await registry.GetAsync(name, ct) is not { } m) return ModelNotFound(name);
                if (m.Versions.FirstOrDefault(v => v.Version == version) is not { } v)
                    return ApiErrors.Problem("Version not found", $"model '{name}' has no version {version}; GET /api/models/{name} lists its versions.", StatusCodes.Status404NotFound);
                return Results.Ok(new ModelVersionDetailsView(ModelVersionView.From(v, m), await lineage.OfAsync(v, ct)));
            })
            .WithName("GetModelVersion").Doc(ApiDocs.Models, "A version with its lineage: producing run, parent checkpoint, datasets, evaluation reports", 404)
            .Produces<ModelVersionDetailsView>();

        api.MapGet("/models/resolve", async (string reference, ModelRegistry registry, CancellationToken ct) =>
                await Registry(async () => Results.Ok(ResolvedView.From(await registry.ResolveAsync(reference, ct)))))
            .WithName("ResolveModel").Doc(ApiDocs.Models, "Resolve NAME@alias, NAME@vN, NAME@latest or NAME (its champion) to a version", 404).Produces<ResolvedView>();

        api.MapPut("/models/{name}/aliases/{alias}", async (string name, string alias, AliasRequest body, HttpContext http, ModelRegistry registry, CancellationToken ct) =>
            {
                // Moving the champion bypasses the promotion rule, like POST …/promote: admins only.
                if (alias == ModelRegistry.ChampionAlias && !http.User.IsInRole(Roles.Admin))
                    return ApiErrors.Problem("Moving the champion needs the admin role", $"the champion alias of '{name}' is moved by promotions; moving it by hand needs the admin role.", StatusCodes.Status403Forbidden);
                return await Registry(async () => Results.Ok(AliasEventView.From(await registry.SetAliasAsync(name, alias, body.Version, User(http), body.Reason, ct))));
            })
            .RequireAuthorization(Roles.Operator)
            .WithName("SetModelAlias").Doc(ApiDocs.Models, "Point an alias at a version (operator; champion: admin); the move is recorded with who and why", 400, 404)
            .Produces<AliasEventView>();

        api.MapDelete("/models/{name}/aliases/{alias}", async (string name, string alias, string? reason, HttpContext http, ModelRegistry registry, CancellationToken ct) =>
                await Registry(async () => Results.Ok(AliasEventView.From(await registry.RemoveAliasAsync(name, alias, User(http), reason, ct)))))
            .RequireAuthorization(Roles.Operator)
            .WithName("RemoveModelAlias").Doc(ApiDocs.Models, "Remove an alias (not champion), recorded with who and why", 400, 404)
            .Produces<AliasEventView>();

        api.MapPatch("/models/{name}/versions/{version:int}", async (string name, int version, VersionUpdateRequest body, ModelRegistry registry, CancellationToken ct) =>
                await Registry(async () =>
                {
                    await registry.UpdateVersionAsync(name, version, body.Description, body.Tags, body.Archived, ct);
                    var m = (await registry.GetAsync(name, ct))!;
                    return Results.Ok(ModelVersionView.From(m.Versions.First(v => v.Version == version), m));
                }))
            .RequireAuthorization(Roles.Operator)
            .WithName("UpdateModelVersion").Doc(ApiDocs.Models, "Set a version's description, tags (replacing them) or archived state", 400, 404)
            .Produces<ModelVersionView>();

        api.MapPost("/models/{name}/promote", async (string name, ManualPromotionRequest body, HttpContext http, ModelRegistry registry, CancellationToken ct) =>
                await Registry(async () =>
                {
                    var o = await registry.PromoteManuallyAsync(name, body.Version, User(http), ct);
                    return Results.Ok(new { model = name, champion = o.Decision.CandidateVersion, previous = o.Decision.ChampionVersion });
                }))
            .WithName("PromoteModel").Doc(ApiDocs.Models, "Make a version the champion by hand (admin; bypasses the evaluation rule)", 400, 404)
            .RequireAuthorization(Roles.Admin); // a manual promotion bypasses the evaluation rule
        return api;
    }

    private static string User(HttpContext http) => http.User.Identity?.Name ?? "api";

    private static async Task<IResult> Registry(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (RegistryException e)
        {
            return e.NotFound ? ApiErrors.Problem("Not found in the registry", e.Message, StatusCodes.Status404NotFound) : ApiErrors.Problem("Registry request refused", e.Message);
        }
    }

    private static IResult ModelNotFound(string name) =>
        ApiErrors.Problem("Model not found", $"there is no model '{name}'; list models with GET /api/models.", StatusCodes.Status404NotFound);
}
