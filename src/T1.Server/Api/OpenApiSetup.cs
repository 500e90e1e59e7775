using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using T1.Server.Auth;

namespace T1.Server.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: tags with descriptions, the API-key security scheme (header
/// <c>X-Api-Key</c>, or <c>Authorization: Bearer</c>), 401/403 problem answers on every endpoint that needs a role, and the
/// workflow request bodies the handlers read themselves (YAML or JSON).
/// </summary>
public static class OpenApiSetup
{
    public const string SchemeName = "ApiKey";

    public static IServiceCollection AddT1OpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "T1 Platform API";
            document.Info.Description = "Runs, definitions, step types, metrics, logs, artifacts and the model registry. Send an API key in the X-Api-Key header "
                + "(admins create keys with POST /api/keys); roles: viewer reads, operator runs/cancels/resumes, admin publishes and manages keys. "
                + "Every error is a problem-details object (RFC 9457) whose detail says what to do.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthenticationHandler.Header,
                Description = "An API key (t1_…) from POST /api/keys; also accepted as Authorization: Bearer t1_…. Browsers signed in at /login use their cookie.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
            document.Tags = new HashSet<OpenApiTag>(ApiDocs.Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Responses ??= new OpenApiResponses();
                foreach (var (status, text) in new[] { ("401", "No credentials: send an API key (X-Api-Key) or sign in."), ("403", "The key or user lacks the role this endpoint needs.") })
                    if (!operation.Responses.ContainsKey(status))
                        operation.Responses[status] = new OpenApiResponse
                        {
                            Description = text,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) } },
                        };
            }
            if (context.Description.RelativePath is "api/definitions" or "api/definitions/validate" && context.Description.HttpMethod == "POST")
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The workflow: its YAML text as application/yaml, or {\"workflow\": \"<YAML text>\"} as application/json.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/yaml"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "workflow YAML" } },
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object, Required = new HashSet<string> { "workflow" },
                                Properties = new Dictionary<string, IOpenApiSchema> { ["workflow"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "workflow YAML" } },
                            },
                        },
                    },
                };
            return Task.CompletedTask;
        });
    });
}
