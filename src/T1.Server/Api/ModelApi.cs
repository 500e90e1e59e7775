using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Server.Auth;
using T1.Workflows.Registry;

namespace T1.Server.Api;

/// <summary>The model registry over HTTP: models, versions, champion, promotion decisions.</summary>
public static class ModelApi
{
    /// <summary>Maps <c>GET /models</c>, <c>GET /models/{name}</c> and <c>POST /models/{name}/promote</c> under <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapModelApi(this RouteGroupBuilder api)
    {
        api.MapGet("/models", async (ModelRegistry registry, CancellationToken ct) => await registry.ListAsync(ct))
            .WithName("ListModels").Doc(ApiDocs.Models, "List registered models");

        api.MapGet("/models/{name}", async (string name, ModelRegistry registry, CancellationToken ct) =>
                await registry.GetAsync(name, ct) is { } m
                    ? Results.Ok(ModelView.From(m))
                    : ApiErrors.Problem("Model not found", $"there is no model '{name}'; list models with GET /api/models.", StatusCodes.Status404NotFound))
            .WithName("GetModel").Doc(ApiDocs.Models, "A model: versions with accuracy by budget, champion, promotion decisions", 404).Produces<ModelView>();

        api.MapPost("/models/{name}/promote", async (string name, ManualPromotionRequest body, HttpContext http, ModelRegistry registry, CancellationToken ct) =>
            {
                try
                {
                    var user = http.User.Identity?.Name ?? "api";
                    var o = await registry.PromoteManuallyAsync(name, body.Version, user, ct);
                    return Results.Ok(new { model = name, champion = o.Decision.CandidateVersion, previous = o.Decision.ChampionVersion });
                }
                catch (RegistryException e)
                {
                    return ApiErrors.Problem("Cannot promote", e.Message, StatusCodes.Status404NotFound);
                }
            })
            .WithName("PromoteModel").Doc(ApiDocs.Models, "Make a version the champion by hand (admin; bypasses the evaluation rule)", 404)
            .RequireAuthorization(Roles.Admin); // a manual promotion bypasses the evaluation rule
        return api;
    }
}

/// <summary>Body of <c>POST /api/models/{name}/promote</c>.</summary>
public sealed record ManualPromotionRequest(int Version);

/// <summary>A model as the API shows it: accuracy per budget decoded from storage.</summary>
public sealed record ModelView(string Name, int? Champion, IReadOnlyList<ModelVersionView> Versions, IReadOnlyList<Storage.Database.PromotionDecisionRecord> Decisions)
{
    public static ModelView From(ModelDetails m) => new(m.Model.Name, m.Model.ChampionVersion,
        m.Versions.Select(v => new ModelVersionView(v.Version, "t1://artifacts/" + v.CheckpointSha256,
            v.ReportSha256 is null ? null : "t1://artifacts/" + v.ReportSha256, ModelRegistry.Accuracy(v), v.RunId, v.StepId, v.CreatedAt)).ToList(),
        m.Decisions);
}

/// <summary>One model version in the API.</summary>
public sealed record ModelVersionView(int Version, string Checkpoint, string? Report, IReadOnlyDictionary<int, double> Accuracy, string? RunId, string? StepId, DateTime CreatedAt);
