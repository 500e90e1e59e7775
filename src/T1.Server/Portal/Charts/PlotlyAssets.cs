using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace T1.Server.Portal.Charts;

/// <summary>
/// plotly.js and Plotly.Blazor's interop module, embedded in this assembly (see T1.Server.csproj) and served at the
/// paths Plotly.Blazor loads them from, so charts work without the internet. The names carry the versions, so a
/// browser may keep them for a year.
/// </summary>
public static class PlotlyAssets
{
    public const string ScriptPath = "/_content/Plotly.Blazor/plotly-3.7.0.min.js";
    public const string InteropPath = "/_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    public static void MapPlotly(this IEndpointRouteBuilder app)
    {
        Map(app, ScriptPath, "T1.Server.Portal.plotly.min.js");
        Map(app, InteropPath, "T1.Server.Portal.plotly-interop.js");
    }

    private static void Map(IEndpointRouteBuilder app, string path, string resource)
    {
        var bytes = new Lazy<byte[]>(() =>
        {
            using var stream = typeof(PlotlyAssets).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"{resource} is not embedded in T1.Server; rebuild src/T1.Server (it comes from the Plotly.Blazor package).");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        app.MapGet(path, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(bytes.Value, "text/javascript");
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
