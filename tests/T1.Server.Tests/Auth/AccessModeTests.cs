using T1.Server.Auth;

namespace T1.Server.Tests.Auth;

public sealed class AccessModeTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", false, true)]
    [InlineData("http://localhost:5080;http://[::1]:5080", false, true)]
    [InlineData("http://127.0.0.1:5080", true, false)]
    [InlineData("http://0.0.0.0:5080", false, false)]
    [InlineData("http://*:5080", false, false)]
    [InlineData("http://127.0.0.1:5080;http://10.1.2.3:5080", false, false)]
    [InlineData("http://t1.example.org", false, false)]
    public void Open_OnlyWhenEveryAddressIsLoopback_AndLoginIsNotRequired(string urls, bool requireLogin, bool open)
    {
        var mode = AccessMode.For(new AuthOptions { RequireLogin = requireLogin }, urls);
        Assert.Equal(open, mode.Open);
        Assert.Contains(open ? "OPEN" : "sign-in required", mode.Description);
    }

    [Fact]
    public void SignInMode_SaysWhichHostNamesItAnswers()
    {
        Assert.EndsWith("· answers any host name (set T1__Auth__AllowedHosts)", AccessMode.For(new AuthOptions(), "http://0.0.0.0:5080").Description);
        Assert.EndsWith("· answers only t1.example.org;*.t1.internal",
            AccessMode.For(new AuthOptions { AllowedHosts = "T1.example.org, *.t1.internal" }, "http://0.0.0.0:5080").Description);
    }
}
