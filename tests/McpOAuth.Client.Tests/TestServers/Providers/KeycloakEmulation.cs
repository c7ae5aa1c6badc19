using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Keycloak as the research file describes it: a realm issuer (<c>/realms/&lt;name&gt;</c>) whose OpenID metadata is appended
/// after the path, anonymous dynamic registration refused with 403 by the Trusted Hosts policy, a public client with PKCE,
/// RFC 9207 <c>iss</c>, refresh tokens, and revocation.
/// </summary>
internal static class KeycloakEmulation
{
    public const string ClientId = "mcp-cli";

    public static Task<ProviderEmulation> StartAsync() => ProviderEmulation.StartAsync(
        o =>
        {
            o.IssuerPath = "/realms/mcp";
            o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathAppending;
            o.CodeChallengeMethodsSupported = ["plain", "S256"];
            o.ScopesSupported = ["openid", "profile", "email", "offline_access", "mcp:tools"];
            o.RevocationEnabled = true;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId });
            o.RefuseRegistration(StatusCodes.Status403Forbidden, new JsonObject
            {
                ["error"] = "insufficient_scope",
                ["error_description"] = "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted.",
            });
        },
        (_, mcp) => mcp.Options.RequireScope("mcp:tools"),
        keycloak => ProviderRecipe.PreRegistered("Keycloak", issuesRefreshTokens: true, ClientId, keycloak.Issuer));
}
