using System.Text.Json;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>Turns a <see cref="TokenSet"/> into the versioned JSON record every durable store keeps, and back.</summary>
/// <remarks>
/// <para>One format for every store (files, the OS secret service, Redis), so a credential moves between them unchanged. The record
/// holds secrets (tokens, a dynamically registered client's secret, a DPoP private key) and never a configured client's secret.</para>
/// <para>A record that is not valid JSON, has another schema version, lacks a required member or holds an instant out of range
/// is refused, never guessed at.</para>
/// </remarks>
public static class TokenSetSerializer
{
    /// <summary>Gets the schema version written into every record.</summary>
    public static int SchemaVersion => StoredTokenDocument.CurrentSchemaVersion;

    /// <summary>Serializes tokens to UTF-8 JSON.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <returns>The record's bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    public static byte[] Serialize(TokenSet tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var document = new StoredTokenDocument
        {
            SchemaVersion = StoredTokenDocument.CurrentSchemaVersion,
            AccessToken = tokens.AccessToken,
            TokenType = tokens.TokenType,
            RefreshToken = tokens.RefreshToken,
            ExpiresAt = tokens.ExpiresAt?.ToUnixTimeMilliseconds() / 1000.0,
            ObtainedAt = tokens.ObtainedAt.ToUnixTimeMilliseconds() / 1000.0,
            Scope = tokens.Scopes.Count == 0 ? null : string.Join(' ', tokens.Scopes),
            Resource = tokens.Resource,
            Issuer = tokens.Issuer,
            ClientId = tokens.ClientId,
            Partition = tokens.Partition.Length == 0 ? null : tokens.Partition,
            ClientSecret = tokens.Registration is { Kind: ClientRegistrationKind.Dynamic } dynamic ? dynamic.ClientSecret : null,
            ClientSecretExpiresAt = tokens.Registration is { Kind: ClientRegistrationKind.Dynamic, ClientSecretExpiresAt: { } expiresAt }
                ? expiresAt.ToUnixTimeSeconds()
                : null,
            TokenEndpointAuthMethod = tokens.Registration?.TokenEndpointAuthMethod,
            RedirectUri = tokens.Registration is { RedirectUris.Count: > 0 } registration ? registration.RedirectUris[0] : null,
            RegistrationKind = tokens.Registration?.Kind.ToString(),
            DpopKey = tokens.DpopKey,
            Endpoints = tokens.Endpoints.Count == 0 ? null : [.. tokens.Endpoints],
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, McpOAuthJsonContext.Default.StoredTokenDocument);
    }

    /// <summary>Reads a record written by <see cref="Serialize"/>.</summary>
    /// <param name="utf8Json">The record's bytes.</param>
    /// <param name="tokens">The tokens, when the record is readable.</param>
    /// <returns><see langword="true"/> when the record is a readable token record of the current schema.</returns>
    public static bool TryDeserialize(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenSet? tokens)
    {
        tokens = null;
        try
        {
            StoredTokenDocument? document = JsonSerializer.Deserialize(utf8Json, McpOAuthJsonContext.Default.StoredTokenDocument);
            if (document is null || document.SchemaVersion != StoredTokenDocument.CurrentSchemaVersion
                || string.IsNullOrEmpty(document.AccessToken) || document.Resource is null || document.Issuer is null
                || document.ClientId is null)
            {
                return false;
            }

            tokens = new TokenSet
            {
                AccessToken = document.AccessToken,
                TokenType = document.TokenType ?? "Bearer",
                RefreshToken = document.RefreshToken,
                ExpiresAt = document.ExpiresAt is { } exp ? FromUnixSeconds(exp) : null,
                ObtainedAt = FromUnixSeconds(document.ObtainedAt),
                Scopes = document.Scope is null ? [] : document.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                Resource = document.Resource,
                Issuer = document.Issuer,
                ClientId = document.ClientId,
                Partition = document.Partition ?? TokenSet.DefaultPartition,
                Registration = ReadRegistration(document),
                DpopKey = document.DpopKey,
                Endpoints = document.Endpoints is { } endpoints ? [.. endpoints.Where(e => !string.IsNullOrEmpty(e))] : [],
            };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Out-of-range instants make the record unreadable (treated as absent), not a token that never expires.</summary>
    private static DateTimeOffset FromUnixSeconds(double seconds) =>
        double.IsFinite(seconds) && seconds is >= 0 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))
            : throw new ArgumentOutOfRangeException(nameof(seconds), "The stored instant is out of range.");

    private static ClientRegistration? ReadRegistration(StoredTokenDocument document)
    {
        // Only the names this serializer writes: Enum.TryParse also takes numbers ("7") and lists ("Dynamic, Preregistered"),
        // which would make up a kind that does not exist (found by the fuzzer, issue 10).
        if (document.TokenEndpointAuthMethod is null
            || !Enum.TryParse(document.RegistrationKind, ignoreCase: false, out ClientRegistrationKind kind)
            || !Enum.IsDefined(kind) || !string.Equals(kind.ToString(), document.RegistrationKind, StringComparison.Ordinal))
        {
            return null;
        }

        return new ClientRegistration
        {
            ClientId = document.ClientId!,
            ClientSecret = document.ClientSecret,
            ClientSecretExpiresAt = document.ClientSecretExpiresAt is { } expiresAt ? FromUnixSeconds(expiresAt) : null,
            TokenEndpointAuthMethod = document.TokenEndpointAuthMethod,
            Issuer = document.Issuer!,
            RedirectUris = document.RedirectUri is null ? [] : [document.RedirectUri],
            Kind = kind,
        };
    }
}
