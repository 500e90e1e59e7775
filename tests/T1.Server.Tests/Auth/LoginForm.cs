using System.Text.RegularExpressions;

namespace T1.Server.Tests.Auth;

/// <summary>What a browser does with the sign-in form, for HttpClient tests.</summary>
public static partial class LoginForm
{
    /// <summary>GETs /login (setting the antiforgery cookie) and returns the form's token.</summary>
    public static async Task<string> TokenAsync(HttpClient browser)
    {
        var html = await browser.GetStringAsync("/login");
        var match = TokenInput().Match(html);
        Assert.True(match.Success, "no antiforgery token in the sign-in form:\n" + html);
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static FormUrlEncodedContent Fields(string user, string password, string? token, string? returnUrl = null)
    {
        var fields = new Dictionary<string, string> { ["user"] = user, ["password"] = password };
        if (token is not null) fields["__RequestVerificationToken"] = token;
        if (returnUrl is not null) fields["returnUrl"] = returnUrl;
        return new FormUrlEncodedContent(fields);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
