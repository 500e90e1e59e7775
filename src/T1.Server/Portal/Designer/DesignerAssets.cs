using Microsoft.AspNetCore.Builder;

namespace T1.Server.Portal.Designer;

/// <summary>Serves designer.js from this assembly (embedded, see T1.Server.csproj): the hosts have no static web assets.</summary>
public static class DesignerAssets
{
    /// <summary>Where the components import the module from.</summary>
    public const string ModulePath = "/portal/designer.js";

    public static void MapDesignerAssets(this WebApplication app) =>
        PortalEndpoints.MapEmbedded(app, ModulePath, "T1.Server.Portal.designer.js", "text/javascript", "src/T1.Server/Portal/Designer/designer.js");
}
