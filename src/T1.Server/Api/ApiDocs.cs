using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace T1.Server.Api;

/// <summary>OpenAPI metadata of an endpoint in one call: its tag, summary, and the problem-details answers it can give.</summary>
internal static class ApiDocs
{
    public const string Steps = "Steps";
    public const string Definitions = "Definitions";
    public const string Runs = "Runs";
    public const string Models = "Models";
    public const string Keys = "API keys";
    public const string Users = "Users";

    /// <summary>Tags with what they hold, in the order the reference lists them.</summary>
    public static readonly (string Name, string Description)[] Tags =
    [
        (Steps, "Step types with their declared inputs and outputs."),
        (Definitions, "Workflow definitions: validate, publish (admin), list versions."),
        (Runs, "Start, list, follow, cancel and resume runs; metrics, state history, logs."),
        (ArtifactApi.Tag, "Artifacts of runs: files, folder listings, folders as zip."),
        (Models, "The model registry: models, versions, aliases, promotions."),
        (Keys, "API keys (admin)."),
        (Users, "User accounts (admin) and the signed-in user."),
    ];

    /// <param name="problems">status codes answered with a problem-details body (401/403 are added to every endpoint that needs a role).</param>
    public static RouteHandlerBuilder Doc(this RouteHandlerBuilder builder, string tag, string summary, params int[] problems)
    {
        builder.WithTags(tag).WithSummary(summary);
        foreach (var status in problems) builder.ProducesProblem(status);
        return builder;
    }
}
