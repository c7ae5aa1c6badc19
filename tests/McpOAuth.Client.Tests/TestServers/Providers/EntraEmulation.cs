using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Microsoft Entra ID v2 as the research file describes it: a tenant issuer (<c>/&lt;tenant&gt;/v2.0</c>) whose OpenID metadata is
/// appended after the path, no <c>code_challenge_methods_supported</c>, no dynamic registration, no RFC 9207 <c>iss</c>,
/// <c>invalid_target</c> (AADSTS9010010) when <c>resource</c> and <c>scope</c> come together, <c>scope</c> required on refresh
/// (AADSTS90014), and refresh tokens only for <c>offline_access</c>. The multi-tenant variant serves
/// <c>/organizations/v2.0</c> with the <c>{tenantid}</c> placeholder issuer.
/// </summary>
internal static class EntraEmulation
{
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string ApiScope = "api://mcp-server-app/mcp.tools";

    public static Task<ProviderEmulation> StartAsync(bool multiTenant = false) => ProviderEmulation.StartAsync(
        o =>
        {
            o.IssuerPath = multiTenant ? "/organizations/v2.0" : "/72f988bf-0000-4000-8000-000000000001/v2.0";
            o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathAppending;
            o.CodeChallengeMethodsSupported = null;
            o.WithoutIss();
            o.ScopesSupported = ["openid", "profile", "email", "offline_access"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post", "private_key_jwt", "client_secret_basic"];
            o.OnlyPreRegistered(new TestClientRegistration { ClientId = ClientId });
            o.RefreshTokensForOfflineAccess();
            o.OnAuthorizeRequest = RejectResourceWithScopeAsync;
            o.OnTokenRequest = RequireScopeOnRefreshAsync;
        },
        (entra, mcp) =>
        {
            if (multiTenant)
            {
                entra.Options.IssuerOverride = entra.BaseUri.GetLeftPart(UriPartial.Authority) + "/{tenantid}/v2.0";
            }

            mcp.Options.RequireScope(ApiScope);
        },
        entra => ProviderRecipe.PreRegistered(multiTenant ? "Entra ID (multi-tenant)" : "Entra ID", issuesRefreshTokens: true, ClientId, entra.Issuer)
            .With(o => o.SendResourceParameter = false, ["--no-resource"])
            .WithoutPkceMetadata()
            .With(o => o.AllowTenantPlaceholderInIssuer = multiTenant, [])
            .WithScope("offline_access"));

    /// <summary>AADSTS9010010: the v2 endpoint takes the resource from the scope, and refuses a separate <c>resource</c>.</summary>
    private static Task<bool> RejectResourceWithScopeAsync(HttpContext context)
    {
        RecordedRequest request = context.GetRecordedRequest();
        if (request.QueryValue("resource") is null || request.QueryValue("scope") is null || request.QueryValue("redirect_uri") is not { } redirectUri)
        {
            return Task.FromResult(false);
        }

        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = FormEncoding.AppendQuery(redirectUri,
        [
            new("error", "invalid_target"),
            new("error_description", "AADSTS9010010: The resource parameter provided in the request doesn't match with the requested scopes."),
            new("state", request.QueryValue("state")),
        ]);
        return Task.FromResult(true);
    }

    /// <summary>AADSTS90014: a refresh without <c>scope</c> is refused.</summary>
    private static async Task<bool> RequireScopeOnRefreshAsync(HttpContext context)
    {
        RecordedRequest request = context.GetRecordedRequest();
        if (request.FormValue("grant_type") != "refresh_token" || request.FormValue("scope") is not null)
        {
            return false;
        }

        await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status400BadRequest, new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = "invalid_request",
            ["error_description"] = "AADSTS90014: The required field 'scope' is missing from the credential.",
        });
        return true;
    }
}
