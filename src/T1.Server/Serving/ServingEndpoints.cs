using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using T1.Server.Auth;
using T1.Server.Hosting;

namespace T1.Server.Serving;

/// <summary>Wires the OpenAI-compatible model API: services, the error shape under /v1, and the endpoints.</summary>
public static class ServingEndpoints
{
    public static IServiceCollection AddServing(this IServiceCollection services, T1Options options)
    {
        services.AddSingleton(options.Serving);
        services.AddSingleton<ServedModels>();
        return services;
    }

    /// <summary>Answers 401/403/404 under /v1 in OpenAI's error shape; call before authentication.</summary>
    public static void UseServingErrors(this WebApplication app) => app.Use((context, next) => OpenAiErrors.ShapeStatusAsync(context, () => next(context)));

    /// <summary><c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>, for viewers and above (API key as <c>Authorization: Bearer</c>).</summary>
    public static void MapServing(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireAuthorization(Roles.Viewer).ExcludeFromDescription();
        v1.MapGet("/models", async (ServedModels models, CancellationToken ct) =>
        {
            var ids = await models.ListAsync(ct);
            return Results.Json(new
            {
                @object = "list",
                data = ids.Select(m => new { id = m.Id, @object = "model", created = new DateTimeOffset(DateTime.SpecifyKind(m.Created, DateTimeKind.Utc)).ToUnixTimeSeconds(), owned_by = "t1" }),
            });
        });
        v1.MapPost("/chat/completions", ChatCompletions.HandleAsync);
    }
}
