using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>A validated JWT access token (RFC 9068) from oidc-provider.</summary>
public sealed record OidcAccessToken
{
    /// <summary>Gets the <c>sub</c> claim (the login name typed on the login page).</summary>
    public required string Subject { get; init; }

    /// <summary>Gets the <c>aud</c> claim's values (the resource indicator).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>Gets the <c>scope</c> claim, or <see langword="null"/>.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the <c>scope</c> claim split on spaces.</summary>
    public IReadOnlyList<string> Scopes => Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Gets the <c>client_id</c> claim, or <see langword="null"/>.</summary>
    public string? ClientId { get; init; }

    /// <summary>Gets the <c>iss</c> claim.</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the <c>exp</c> claim.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the <c>iat</c> claim, or <see langword="null"/>.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Gets the JWS header's <c>alg</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Gets the JWS header's <c>typ</c> (<c>at+jwt</c>), or <see langword="null"/>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the JWS header's <c>kid</c>.</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the payload as raw JSON text.</summary>
    public required string PayloadJson { get; init; }
}

/// <summary>The outcome of <see cref="OidcJwtValidator.TryValidate"/>.</summary>
/// <param name="Token">The token, when valid.</param>
/// <param name="Error">Why it is not, when invalid.</param>
public sealed record OidcJwtValidationResult(OidcAccessToken? Token, string? Error)
{
    /// <summary>Gets a value indicating whether the token is valid.</summary>
    public bool IsValid => Token is not null;
}

/// <summary>Validates oidc-provider's JWT access tokens against its JWKS: signature (RS256 or ES256, with
/// System.Security.Cryptography only), <c>iss</c>, <c>exp</c>/<c>nbf</c>, and optionally <c>aud</c>; so a test
/// MCP server can accept only tokens minted for its own resource.</summary>
/// <remarks>Thread-safe. An unknown <c>kid</c> triggers one JWKS re-fetch.</remarks>
public sealed class OidcJwtValidator
{
    private readonly Uri _jwksUri;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private volatile Dictionary<string, JsonWebKey> _keys = new(StringComparer.Ordinal);

    private OidcJwtValidator(string issuer, Uri jwksUri, HttpClient http, TimeProvider time)
    {
        Issuer = issuer;
        _jwksUri = jwksUri;
        _http = http;
        _time = time;
    }

    /// <summary>Gets the issuer the tokens must carry.</summary>
    public string Issuer { get; }

    /// <summary>Gets or sets the clock skew allowed on <c>exp</c> and <c>nbf</c> (default zero).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    /// <summary>Gets the key ids currently known.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Creates a validator and fetches the JWKS.</summary>
    /// <param name="issuer">The exact issuer identifier.</param>
    /// <param name="jwksUri">The JWKS URL.</param>
    /// <param name="http">The client to fetch it with; a private one if <see langword="null"/> (not disposed: tests).</param>
    /// <param name="time">The clock for <c>exp</c>; the system clock if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The validator.</returns>
    public static async Task<OidcJwtValidator> CreateAsync(
        string issuer, Uri jwksUri, HttpClient? http = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(jwksUri);
        var validator = new OidcJwtValidator(
            issuer, jwksUri, http ?? new HttpClient(new SocketsHttpHandler { UseProxy = false }), time ?? TimeProvider.System);
        await validator.RefreshKeysAsync(cancellationToken);
        return validator;
    }

    /// <summary>Validates a token and throws if it is not valid.</summary>
    /// <param name="jwt">The compact JWS.</param>
    /// <param name="expectedAudience">The resource the token must be for, or <see langword="null"/> to skip the check.</param>
    /// <param name="cancellationToken">Cancels a JWKS re-fetch.</param>
    /// <returns>The token's claims.</returns>
    /// <exception cref="InvalidOperationException">The token is not valid; the message says why.</exception>
    public async Task<OidcAccessToken> ValidateAsync(string jwt, string? expectedAudience = null, CancellationToken cancellationToken = default)
    {
        var result = await TryValidateAsync(jwt, expectedAudience, cancellationToken);
        return result.Token ?? throw new InvalidOperationException($"Invalid access token: {result.Error}");
    }

    /// <summary>Validates a token, re-fetching the JWKS once if its <c>kid</c> is unknown.</summary>
    /// <param name="jwt">The compact JWS.</param>
    /// <param name="expectedAudience">The resource the token must be for, or <see langword="null"/> to skip the check.</param>
    /// <param name="cancellationToken">Cancels a JWKS re-fetch.</param>
    /// <returns>The token or the reason it is invalid.</returns>
    public async Task<OidcJwtValidationResult> TryValidateAsync(string jwt, string? expectedAudience = null, CancellationToken cancellationToken = default)
    {
        var result = TryValidate(jwt, expectedAudience);
        if (result.Error is { } error && error.StartsWith(UnknownKid, StringComparison.Ordinal))
        {
            await RefreshKeysAsync(cancellationToken);
            result = TryValidate(jwt, expectedAudience);
        }

        return result;
    }

    /// <summary>Validates a token with the keys already fetched (no I/O).</summary>
    /// <param name="jwt">The compact JWS.</param>
    /// <param name="expectedAudience">The resource the token must be for, or <see langword="null"/> to skip the check.</param>
    /// <returns>The token or the reason it is invalid.</returns>
    public OidcJwtValidationResult TryValidate(string jwt, string? expectedAudience = null)
    {
        try
        {
            return new OidcJwtValidationResult(ValidateCore(jwt, expectedAudience), null);
        }
        catch (JwtException e)
        {
            return new OidcJwtValidationResult(null, e.Message);
        }
    }

    /// <summary>Fetches the JWKS again.</summary>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>A task that completes when the keys are replaced.</returns>
    public async Task RefreshKeysAsync(CancellationToken cancellationToken = default)
    {
        // Concurrent refreshes are harmless: each swaps in a complete key set.
        var text = await _http.GetStringAsync(_jwksUri, cancellationToken);
        using var doc = JsonDocument.Parse(text);
        var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
        foreach (var key in doc.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (JsonWebKey.TryParse(key) is { } parsed)
            {
                keys[parsed.KeyId] = parsed;
            }
        }

        _keys = keys;
    }

    private const string UnknownKid = "unknown kid";

    private OidcAccessToken ValidateCore(string jwt, string? expectedAudience)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            throw new JwtException("empty token");
        }

        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            throw new JwtException($"not a compact JWS ({parts.Length} parts)");
        }

        using var header = ParsePart(parts[0], "header");
        var alg = header.RootElement.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
        var kid = header.RootElement.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
        var typ = header.RootElement.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (alg is not ("RS256" or "ES256"))
        {
            throw new JwtException($"unsupported alg '{alg}'");
        }

        if (typ is not null && !string.Equals(typ, "at+jwt", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(typ, "application/at+jwt", StringComparison.OrdinalIgnoreCase))
        {
            throw new JwtException($"typ '{typ}' is not at+jwt");
        }

        if (!_keys.TryGetValue(kid, out var jwk))
        {
            throw new JwtException($"{UnknownKid} '{kid}'");
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Decode(parts[2], "signature");
        if (!jwk.Verify(alg, signingInput, signature))
        {
            throw new JwtException("bad signature");
        }

        var payloadBytes = Decode(parts[1], "payload");
        using var payload = ParseJson(payloadBytes, "payload");
        var root = payload.RootElement;
        var iss = StringClaim(root, "iss") ?? throw new JwtException("no iss");
        if (!string.Equals(iss, Issuer, StringComparison.Ordinal))
        {
            throw new JwtException($"iss '{iss}' is not '{Issuer}'");
        }

        var now = _time.GetUtcNow();
        var exp = TimeClaim(root, "exp") ?? throw new JwtException("no exp");
        if (now >= exp + ClockSkew)
        {
            throw new JwtException($"expired at {exp:O} (now {now:O})");
        }

        if (TimeClaim(root, "nbf") is { } nbf && now + ClockSkew < nbf)
        {
            throw new JwtException($"not valid before {nbf:O}");
        }

        var audiences = new List<string>();
        if (root.TryGetProperty("aud", out var aud))
        {
            if (aud.ValueKind == JsonValueKind.String)
            {
                audiences.Add(aud.GetString()!);
            }
            else if (aud.ValueKind == JsonValueKind.Array)
            {
                audiences.AddRange(aud.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
            }
        }

        if (expectedAudience is not null && !audiences.Contains(expectedAudience, StringComparer.Ordinal))
        {
            throw new JwtException($"aud [{string.Join(", ", audiences)}] does not contain '{expectedAudience}'");
        }

        return new OidcAccessToken
        {
            Subject = StringClaim(root, "sub") ?? throw new JwtException("no sub"),
            Audiences = audiences,
            Scope = StringClaim(root, "scope"),
            ClientId = StringClaim(root, "client_id"),
            Issuer = iss,
            ExpiresAt = exp,
            IssuedAt = TimeClaim(root, "iat"),
            Algorithm = alg,
            Type = typ,
            KeyId = kid,
            PayloadJson = Encoding.UTF8.GetString(payloadBytes),
        };
    }

    private static string? StringClaim(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? TimeClaim(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static JsonDocument ParsePart(string part, string what) => ParseJson(Decode(part, what), what);

    private static JsonDocument ParseJson(byte[] json, string what)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new JwtException($"{what} is not a JSON object");
            }

            return doc;
        }
        catch (JsonException e)
        {
            throw new JwtException($"{what} is not JSON: {e.Message}");
        }
    }

    private static byte[] Decode(string part, string what)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new JwtException($"{what} is not base64url");
        }
    }

    private sealed class JwtException(string message) : Exception(message);

    /// <summary>One public signing key from the JWKS.</summary>
    private sealed class JsonWebKey
    {
        private RSAParameters? _rsa;
        private ECParameters? _ec;

        public required string KeyId { get; init; }

        public static JsonWebKey? TryParse(JsonElement key)
        {
            var kid = StringClaim(key, "kid");
            var kty = StringClaim(key, "kty");
            if (kid is null || (StringClaim(key, "use") is { } use && use != "sig"))
            {
                return null;
            }

            switch (kty)
            {
                case "RSA" when StringClaim(key, "n") is { } n && StringClaim(key, "e") is { } e:
                    return new JsonWebKey
                    {
                        KeyId = kid,
                        _rsa = new RSAParameters
                        {
                            Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(n),
                            Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(e),
                        },
                    };
                case "EC" when StringClaim(key, "crv") == "P-256" && StringClaim(key, "x") is { } x && StringClaim(key, "y") is { } y:
                    return new JsonWebKey
                    {
                        KeyId = kid,
                        _ec = new ECParameters
                        {
                            Curve = ECCurve.NamedCurves.nistP256,
                            Q = new ECPoint
                            {
                                X = System.Buffers.Text.Base64Url.DecodeFromChars(x),
                                Y = System.Buffers.Text.Base64Url.DecodeFromChars(y),
                            },
                        },
                    };
                default:
                    return null;
            }
        }

        public bool Verify(string alg, byte[] data, byte[] signature)
        {
            switch (alg)
            {
                case "RS256" when _rsa is { } rsaParameters:
                    using (var rsa = RSA.Create(rsaParameters))
                    {
                        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }

                case "ES256" when _ec is { } ecParameters:
                    using (var ec = ECDsa.Create(ecParameters))
                    {
                        // JWS ES256 signatures are r||s (IEEE P1363), .NET's default for VerifyData.
                        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256);
                    }

                default:
                    throw new JwtException($"key '{KeyId}' cannot verify {alg}");
            }
        }
    }
}
