using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using T1.Workflows.Registry;
using T1.Workflows.Steps;

namespace T1.Server.Api;

/// <summary>An artifact's lineage over HTTP: the run steps that made it, the steps and model versions that used it.</summary>
public static class LineageApi
{
    public static RouteGroupBuilder MapLineageApi(this RouteGroupBuilder api)
    {
        api.MapGet("/artifacts/{sha256}/lineage", async (string sha256, ArtifactLineage lineage, CancellationToken ct) =>
            {
                if (!ArtifactRef.TryParse(ArtifactRef.Prefix + sha256, out _))
                    return ApiErrors.Problem("Bad artifact id", $"'{sha256}' is not 64 lowercase hex digits.");
                return await lineage.OfAsync(sha256, ct) is { } graph ? Results.Ok(graph)
                    : ApiErrors.Problem("Artifact not found", $"no run step, step input or model version names artifact {sha256}; the artifacts of a run are listed by GET /api/runs/{{id}}.",
                        StatusCodes.Status404NotFound);
            })
            .WithName("GetArtifactLineage").Doc(ArtifactApi.Tag, "Which run steps made an artifact (and what they read), which steps and model versions used it", 400, 404)
            .WithDescription("One level each way: made_by lists the steps that wrote it with the artifacts they read; used_by the steps whose inputs name it with the artifacts they wrote; models the versions registered with it as checkpoint or report. Follow any artifact's own lineage for more.")
            .Produces<ArtifactLineageGraph>();
        return api;
    }
}
