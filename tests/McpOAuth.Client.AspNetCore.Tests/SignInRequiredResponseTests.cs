using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Which callers get the JSON 401 instead of the 302, and finding the exception behind wrappers.</summary>
public sealed class SignInRequiredResponseTests
{
    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("application/json;q=0", false)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false)]
    [InlineData("text/html, application/json", false)]
    [InlineData("*/*", false)]
    [InlineData(null, false)]
    public void WantsJson_Accept_OnlyApiCallers(string? accept, bool json)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        SignInRequiredResponse.WantsJson(context.Request).Should().Be(json);
    }

    [Fact]
    public void Find_WrappedOrNot_FindsTheSignInRequiredException()
    {
        var signIn = new McpOAuthSignInRequiredException(new Uri("https://as.example.com/authorize"), "https://mcp.example.com/mcp");

        SignInRequiredResponse.Find(signIn).Should().BeSameAs(signIn);
        SignInRequiredResponse.Find(new HttpRequestException("x", new AggregateException(signIn))).Should().BeSameAs(signIn);
        SignInRequiredResponse.Find(new InvalidOperationException("x", new McpOAuthException(McpOAuthErrorCode.InvalidGrant, "y"))).Should().BeNull();
    }
}
