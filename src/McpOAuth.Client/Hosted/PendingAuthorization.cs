using System.Text.Json.Serialization;

namespace McpOAuth.Client;

/// <summary>A hosted sign-in between its start and its callback: whose it is, where it goes, and the secrets to finish it.</summary>
/// <remarks>It holds secrets (the PKCE verifier, a dynamic client's secret, a DPoP key): stores keep it for at most its
/// lifetime, give it out once, and protect it at rest. Its <see cref="ToString"/> prints none of them.</remarks>
public sealed record PendingAuthorization
{
    /// <summary>Gets the partition (the user) that started the sign-in; only that partition can complete it.</summary>
    [JsonPropertyName("partition")]
    public required string Partition { get; init; }

    /// <summary>Gets the authorization server's issuer the request was sent to.</summary>
    [JsonPropertyName("issuer")]
    public required string Issuer { get; init; }

    /// <summary>Gets the resource the tokens are for.</summary>
    [JsonPropertyName("resource")]
    public required string Resource { get; init; }

    /// <summary>Gets the URL of the resource, which requests are matched against.</summary>
    [JsonPropertyName("resource_uri")]
    public required Uri ResourceUri { get; init; }

    /// <summary>Gets the MCP endpoint the sign-in was started for; the credential serves it (RS-01).</summary>
    /// <value><see langword="null"/> in a record written without it: the endpoint <see cref="ResourceUri"/> names.</value>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; init; }

    /// <summary>Gets the redirect URI of the request; the code exchange repeats it.</summary>
    [JsonPropertyName("redirect_uri")]
    public required Uri RedirectUri { get; init; }

    /// <summary>Gets the PKCE verifier; a secret.</summary>
    [JsonPropertyName("code_verifier")]
    public required string CodeVerifier { get; init; }

    /// <summary>Gets the client the request was made as (a dynamic client's secret included; a configured secret never).</summary>
    [JsonPropertyName("client")]
    [JsonConverter(typeof(McpOAuth.Client.Internal.PendingClientConverter))]
    public required ClientRegistration Client { get; init; }

    /// <summary>Gets the scopes requested.</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets whether the authorization server promised an <c>iss</c> in its response (RFC 9207), or the client requires one.</summary>
    [JsonPropertyName("iss_required")]
    public bool IssuerParameterRequired { get; init; }

    /// <summary>Gets the DPoP key (PKCS#8, base64) the tokens will be bound to, if any; a secret.</summary>
    [JsonPropertyName("dpop_key")]
    public string? DpopKey { get; init; }

    /// <summary>Gets where the browser goes afterwards, as the application recorded it.</summary>
    [JsonPropertyName("return_url")]
    public string? ReturnUrl { get; init; }

    /// <summary>Gets when the sign-in can no longer be completed.</summary>
    [JsonPropertyName("expires_at")]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Returns a description without secrets.</summary>
    /// <returns>The issuer, resource, partition and expiry.</returns>
    public override string ToString() =>
        $"PendingAuthorization {{ Issuer = {Issuer}, Resource = {Resource}, Partition = {Partition}, ExpiresAt = {ExpiresAt:O} }}";
}
