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
        const string immutable = "public, max-age=31536000, immutable", package = "the Plotly.Blazor package";
        PortalEndpoints.MapEmbedded(app, ScriptPath, "T1.Server.Portal.plotly.min.js", "text/javascript", package, immutable);
        PortalEndpoints.MapEmbedded(app, InteropPath, "T1.Server.Portal.plotly-interop.js", "text/javascript", package, immutable);
    }
}
