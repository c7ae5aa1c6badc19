namespace McpOAuth.Client.Tests.Builders;

/// <summary>Token-endpoint answers and the clients that ask for them, built once for the tests that need them.</summary>
internal static class TokenResponses
{
    /// <summary>A successful token response (RFC 6749 §5.1); a member passed as null is left out.</summary>
    public static string TokenJson(string accessToken = "at-1", string? tokenType = "Bearer", string? expiresIn = "3600", string? refreshToken = null)
    {
        var members = new List<string> { $"\"access_token\":\"{accessToken}\"" };
        if (tokenType is not null)
        {
            members.Add($"\"token_type\":\"{tokenType}\"");
        }

        if (expiresIn is not null)
        {
            members.Add($"\"expires_in\":{expiresIn}");
        }

        if (refreshToken is not null)
        {
            members.Add($"\"refresh_token\":\"{refreshToken}\"");
        }

        return "{" + string.Join(',', members) + "}";
    }

    /// <summary>A pre-registered client of <see cref="BackchannelRig.Issuer"/> that authenticates at the token endpoint with
    /// <paramref name="method"/>; it has the secret only where the method sends one (client_secret_basic, client_secret_post).</summary>
    public static ClientRegistration Preregistered(string method, string clientId = "client-1", string? secret = "client-secret") => new()
    {
        ClientId = clientId,
        ClientSecret = method is "client_secret_basic" or "client_secret_post" ? secret : null,
        TokenEndpointAuthMethod = method,
        Issuer = BackchannelRig.Issuer,
    };
}
