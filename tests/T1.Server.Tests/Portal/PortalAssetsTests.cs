using System.Net;

namespace T1.Server.Tests.Portal;

/// <summary>The scripts and styles the pages load are served by the app itself (the hosts have no static web assets).</summary>
public sealed class PortalAssetsTests
{
    [Theory]
    [InlineData("/_framework/blazor.web.js", "text/javascript")]
    [InlineData("/_content/Microsoft.AspNetCore.Components.QuickGrid/QuickGrid.razor.js", "text/javascript")]
    [InlineData("/portal/portal.css", "text/css")]
    [InlineData("/_content/Plotly.Blazor/plotly-3.7.0.min.js", "text/javascript")]
    [InlineData("/_content/Plotly.Blazor/plotly-interop-7.2.0.js", "text/javascript")]
    public async Task Asset_IsServedWithoutSignIn(string path, string contentType)
    {
        await using var server = await PortalServer.StartAsync();
        using var http = server.Client();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }
}
