using System.Text.Json;
using Microsoft.AspNetCore.Http;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Server.Api;

/// <summary>Maps what a client can get wrong to 400 with a problem description, never 500.</summary>
internal static class ApiErrors
{
    public static int StatusFor(Exception e) => e switch
    {
        BadHttpRequestException b => b.StatusCode,
        JsonException or WorkflowParamException or StepInputException or FormatException or ArgumentException => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult Problem(string title, string detail, int status = StatusCodes.Status400BadRequest, object? extensions = null) =>
        Results.Problem(title: title, detail: detail, statusCode: status,
            extensions: extensions is null ? null : new Dictionary<string, object?> { ["errors"] = extensions });
}
