using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace T1.Server.Portal.Designer;

/// <summary>Serves designer.js from this assembly (embedded, see T1.Server.csproj): the hosts have no static web assets.</summary>
public static class DesignerAssets
{
    /// <summary>Where the components import the module from.</summary>
    public const string ModulePath = "/portal/designer.js";

    private const string Resource = "T1.Server.Portal.designer.js";

    public static void MapDesignerAssets(this WebApplication app)
    {
        byte[]? bytes = null;
        app.MapGet(ModulePath, () =>
        {
            if (bytes is null)
            {
                using var stream = typeof(DesignerAssets).Assembly.GetManifestResourceStream(Resource)
                    ?? throw new InvalidOperationException($"{Resource} is not embedded in T1.Server; rebuild src/T1.Server.");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            return Results.Bytes(bytes, "text/javascript");
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
