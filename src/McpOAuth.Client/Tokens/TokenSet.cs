using System.Text.Json.Serialization;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>The tokens issued for one resource by one authorization server to one client.</summary>
/// <remarks>Its <see cref="ToString"/> prints only the expiry and whether a refresh token is held, and System.Text.Json writes
/// it without its secrets (tokens, the DPoP key, the registration), so logging or caching it as JSON leaks none (LOG-04). To
/// persist tokens, use <see cref="TokenSetSerializer"/>; a <see cref="TokenSet"/> is never read back from JSON.</remarks>
[JsonConverter(typeof(RedactedTokenSetConverter))]
public sealed record TokenSet
{
    /// <summary>The partition of an application with one user: the empty string.</summary>
    public const string DefaultPartition = "";

    /// <summary>Gets the access token; a secret.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Gets the token type, normally <c>Bearer</c>.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>Gets the refresh token, if one was issued; a secret.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Gets when the access token was obtained, from the injected <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ObtainedAt { get; init; }

    /// <summary>Gets when the access token expires; <see langword="null"/> when the server did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the scopes granted (the response's <c>scope</c>, else the scopes requested).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets the resource the tokens are for.</summary>
    public required string Resource { get; init; }

    /// <summary>Gets the issuer of the authorization server that issued the tokens.</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the client id the tokens were issued to.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets the MCP endpoints (scheme, host, port and path, without query) the tokens were obtained for; the handler
    /// sends them to these only (RS-01), unless <see cref="McpOAuthOptions.ShareCredentialAcrossResource"/> is set.</summary>
    /// <value>Set by the provider when a sign-in completes: each endpoint signed in to for this resource, issuer and client. An
    /// entry ending in <c>/*</c> covers every path under it: a 2025-03-26 server's credential is its origin's
    /// (<c>https://host/*</c>). Empty (a record written without endpoints): only the URL <see cref="Resource"/> names.</value>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Gets whose tokens these are: a user, tenant or agent of a hosted application.</summary>
    /// <value>The default is <see cref="DefaultPartition"/> (empty): the one user of a desktop tool or CLI.</value>
    public string Partition { get; init; } = DefaultPartition;

    /// <summary>Gets the DPoP private key (PKCS#8, base64) the access token is bound to, when <see cref="TokenType"/> is <c>DPoP</c>;
    /// a secret, kept with the tokens.</summary>
    public string? DpopKey { get; init; }

    /// <summary>Gets the client registration the tokens were issued to, when known: it is reused to refresh and to sign in again
    /// without registering a new client.</summary>
    /// <remarks>Durable stores persist a dynamically registered client's secret with the tokens, and never a pre-registered
    /// client's configured secret.</remarks>
    public ClientRegistration? Registration { get; init; }

    /// <summary>Gets the key these tokens are stored under.</summary>
    public TokenStoreKey Key => new(Resource, Issuer, ClientId, Partition);

    /// <summary>Gets whether the access token can be used at an instant, leaving a margin before expiry.</summary>
    /// <param name="now">The current time, from the injected <see cref="TimeProvider"/>.</param>
    /// <param name="skew">The margin; never more than half of the token's lifetime is used.</param>
    /// <returns><see langword="true"/> when the token is not within the margin of its expiry.</returns>
    public bool IsUsableAt(DateTimeOffset now, TimeSpan skew)
    {
        if (ExpiresAt is not { } expiresAt)
        {
            return true;
        }

        TimeSpan lifetime = expiresAt - ObtainedAt;
        TimeSpan margin = lifetime > TimeSpan.Zero && skew > lifetime / 2 ? lifetime / 2 : skew;
        return now < expiresAt - margin;
    }

    /// <summary>Returns a description without secrets.</summary>
    /// <returns>The expiry and whether a refresh token is held.</returns>
    public override string ToString() =>
        $"TokenSet {{ ExpiresAt = {ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, HasRefreshToken = {RefreshToken is not null} }}";
}
