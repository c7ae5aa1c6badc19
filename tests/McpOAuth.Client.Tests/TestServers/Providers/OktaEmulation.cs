using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Okta as the research file describes it: a custom authorization server at <c>/oauth2/&lt;id&gt;</c> with its metadata appended
/// after the path, dynamic registration only with an API token (401 in Okta's own error format), exact redirect URI matching
/// with the port, refresh tokens for <c>offline_access</c>, no RFC 9207 <c>iss</c>, and revocation.
/// </summary>
internal static class OktaEmulation
{
    public const string ClientId = "0oa1b2c3d4e5f6g7h8i9";

    public static Task<ProviderEmulation> StartAsync()
    {
        int callbackPort = FreeLoopbackPort();
        return ProviderEmulation.StartAsync(
            o =>
            {
                o.IssuerPath = "/oauth2/aus1a2b3c4d5e6f7g8h9";
                o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathAppending;
                o.WithoutIss();
                o.ScopesSupported = ["openid", "profile", "offline_access", "mcp:read"];
                o.RevocationEnabled = true;
                o.ExactRedirectUriMatching = true;
                o.PreRegisteredClients.Add(new TestClientRegistration
                {
                    ClientId = ClientId,
                    RedirectUris = [$"http://127.0.0.1:{callbackPort}/callback"],
                });
                o.RefreshTokensForOfflineAccess();
                o.RefuseRegistration(StatusCodes.Status401Unauthorized, new JsonObject
                {
                    ["errorCode"] = "E0000011",
                    ["errorSummary"] = "Invalid token provided",
                    ["errorLink"] = "E0000011",
                    ["errorId"] = "oae-test",
                    ["errorCauses"] = new JsonArray(),
                });
            },
            (_, mcp) => mcp.Options.RequireScope("mcp:read"),
            okta => ProviderRecipe.PreRegistered("Okta", issuesRefreshTokens: true, ClientId, okta.Issuer)
                .WithCallbackPort(callbackPort)
                .WithScope("offline_access"));
    }

    /// <summary>A port free right now, for the fixed redirect URI Okta's app registration lists.</summary>
    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
