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
        services.AddSingleton<T1.Workflows.Registry.ArtifactLineage>();
        return services;
    }

    private const string AspNetAssets = "Microsoft.AspNetCore.App.Internal.Assets";

    public static void MapPortal(this WebApplication app)
    {
        // Embedded in this assembly (see T1.Server.csproj): the hosts are console apps without static web assets.
        MapEmbedded(app, "/_framework/blazor.web.js", "T1.Server.Portal.blazor.web.js", "text/javascript", AspNetAssets);
        MapEmbedded(app, "/portal/portal.css", "T1.Server.Portal.portal.css", "text/css", "src/T1.Server/Portal/portal.css");
        MapEmbedded(app, "/_content/Microsoft.AspNetCore.Components.QuickGrid/QuickGrid.razor.js", "T1.Server.Portal.QuickGrid.razor.js", "text/javascript", "the QuickGrid package");
        Designer.DesignerAssets.MapDesignerAssets(app);
        Charts.PlotlyAssets.MapPlotly(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>
    /// Serves a file embedded in this assembly at <paramref name="path"/>, read once on first use; <paramref name="source"/>
    /// says where the build takes it from, for the error when it is missing. With <paramref name="cacheControl"/>, every
    /// answer carries that header (files whose names carry their version may be kept by browsers).
    /// </summary>
    internal static void MapEmbedded(IEndpointRouteBuilder app, string path, string resource, string contentType, string source, string? cacheControl = null)
    {
        var bytes = new Lazy<byte[]>(() =>
        {
            using var stream = typeof(PortalEndpoints).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"{resource} is not embedded in T1.Server; rebuild src/T1.Server (it comes from {source}).");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        app.MapGet(path, (HttpContext context) =>
        {
            if (cacheControl is not null) context.Response.Headers.CacheControl = cacheControl;
            return Results.Bytes(bytes.Value, contentType);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
