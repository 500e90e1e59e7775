using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace T1.Server.Portal;

/// <summary>The portal: Blazor pages with interactive server rendering, and the script/style files they load.</summary>
public static class PortalEndpoints
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddSingleton<PortalQueries>();
        services.AddSingleton<Search.RunSearch>();
        services.AddSingleton<RunAnnotations>();
        services.AddSingleton<TraceReports>();
        services.AddSingleton<Artifacts.ArtifactBrowser>();
        services.AddSingleton<T1.Workflows.Registry.ModelLineage>();
        return services;
    }

    public static void MapPortal(this WebApplication app)
    {
        // Embedded in this assembly (see T1.Server.csproj): the hosts are console apps without static web assets.
        MapEmbedded(app, "/_framework/blazor.web.js", "T1.Server.Portal.blazor.web.js", "text/javascript");
        MapEmbedded(app, "/portal/portal.css", "T1.Server.Portal.portal.css", "text/css");
        MapEmbedded(app, "/_content/Microsoft.AspNetCore.Components.QuickGrid/QuickGrid.razor.js", "T1.Server.Portal.QuickGrid.razor.js", "text/javascript");
        Designer.DesignerAssets.MapDesignerAssets(app);
        Charts.PlotlyAssets.MapPlotly(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    private static void MapEmbedded(IEndpointRouteBuilder app, string path, string resource, string contentType)
    {
        byte[]? bytes = null;
        app.MapGet(path, () =>
        {
            if (bytes is null)
            {
                using var stream = typeof(PortalEndpoints).Assembly.GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException($"{resource} is not embedded in T1.Server; rebuild src/T1.Server (it comes from Microsoft.AspNetCore.App.Internal.Assets).");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            return Results.Bytes(bytes, contentType);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
