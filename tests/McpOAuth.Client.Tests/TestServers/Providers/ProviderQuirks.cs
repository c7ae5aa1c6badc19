using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>Documented provider behaviours that more than one emulation shares, as settings of the loopback servers.</summary>
internal static class ProviderQuirks
{
    /// <summary>No RFC 9207 <c>iss</c>: neither advertised in the metadata nor sent on the redirect.</summary>
    public static void WithoutIss(this TestAuthorizationServerOptions options)
    {
        options.IssParameterSupported = false;
        options.IssInRedirect = IssRedirectMode.Omit;
    }

    /// <summary>No dynamic registration: only <paramref name="client"/>, registered ahead of time, is known.</summary>
    public static void OnlyPreRegistered(this TestAuthorizationServerOptions options, TestClientRegistration client)
    {
        options.RegistrationEnabled = false;
        options.PreRegisteredClients.Add(client);
    }

    /// <summary>A refresh token only when the authorization request's <c>scope</c> includes <c>offline_access</c>.</summary>
    public static void RefreshTokensForOfflineAccess(this TestAuthorizationServerOptions options) =>
        options.IssueRefreshTokenWhen = request => request.QueryValue("scope")?.Split(' ').Contains("offline_access") == true;

    /// <summary>Dynamic registration advertised but refused with the provider's own error.</summary>
    public static void RefuseRegistration(this TestAuthorizationServerOptions options, int statusCode, JsonObject body) =>
        options.OnRegistrationRequest = async context =>
        {
            await TestAuthorizationServer.WriteJsonAsync(context, statusCode, body.DeepClone());
            return true;
        };

    /// <summary>The MCP server requires <paramref name="required"/> for every method and advertises <paramref name="supported"/>
    /// (by default only the required scope).</summary>
    public static void RequireScope(this TestMcpServerOptions options, string required, params string[] supported)
    {
        options.ScopesSupported = supported.Length == 0 ? [required] : supported;
        options.RequiredScopes["*"] = [required];
    }
}
