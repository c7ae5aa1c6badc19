namespace McpOAuth.Client.Tests.Builders;

/// <summary>Token-endpoint answers, built once for the tests that need them.</summary>
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
}
