using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>No open redirect (OWASP unvalidated redirects): only a local path is ever a return URL.</summary>
public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/", true)]
    [InlineData("/tools", true)]
    [InlineData("/tools?page=1&x=%2F%2Fevil", true)]
    [InlineData("//evil.example.com/", false)]
    [InlineData("/\\evil.example.com/", false)]
    [InlineData("https://evil.example.com/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("tools", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("/a b", false)]
    [InlineData("/a\r\nLocation: https://evil.example.com", false)]
    public void IsLocal_Url_OnlyLocalPaths(string? url, bool local) => LocalUrl.IsLocal(url).Should().Be(local);

    [Fact]
    public void AfterSignIn_NotLocal_GoesToTheApplicationsRoot()
    {
        var context = new DefaultHttpContext();
        context.Request.PathBase = "/app";

        LocalUrl.AfterSignIn("https://evil.example.com/", context.Request).Should().Be("/app/");
        LocalUrl.AfterSignIn("/app/tools", context.Request).Should().Be("/app/tools");
    }

    [Fact]
    public void ReturnUrlOf_Request_IsItsPathBasePathAndQuery()
    {
        var context = new DefaultHttpContext();
        context.Request.PathBase = "/app";
        context.Request.Path = "/tools";
        context.Request.QueryString = new QueryString("?page=2");

        LocalUrl.ReturnUrlOf(context).Should().Be("/app/tools?page=2");
    }
}
