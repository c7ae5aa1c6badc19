using FluentAssertions.Execution;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, item 3: a hosted web application registers dynamically as <c>application_type: web</c> with its https
/// redirect URI (OpenID Connect Dynamic Client Registration §2: "native" clients must use loopback or custom-scheme redirects).</summary>
public sealed class RegistrationApplicationTypeTests
{
    [Fact]
    public async Task DynamicRegistration_HttpsRedirectUri_RegistersAsAWebApplication()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync(s => s.WebApp = o => o.PublicOrigin = new Uri("https://app.example.com"));
        var (servers, app, browser) = rig;

        using HttpResponseMessage started = await browser.GetAsync(app, "/tools", "alice");

        JsonObject registration = JsonNode.Parse(servers.AuthorizationServer.RegistrationRequests.Should().ContainSingle().Subject.Body)!.AsObject();
        using (new AssertionScope())
        {
            registration["redirect_uris"]!.AsArray().Select(u => u!.GetValue<string>()).Should().Equal("https://app.example.com/oauth/callback");
            registration["application_type"]!.GetValue<string>().Should().Be("web");
        }
    }
}
