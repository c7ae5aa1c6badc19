using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Internal;

/// <summary>
/// One DPoP key (RFC 9449) and the nonces servers handed out, kept apart for authorization servers and resource servers and
/// remembered per origin (§8, §9).
/// </summary>
internal sealed class DpopSession : IDisposable
{
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _authorizationServerNonces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _resourceServerNonces = new(StringComparer.Ordinal);

    private DpopSession(ECDsa key, TimeProvider time, string? pkcs8 = null)
    {
        _key = key;
        _time = time;
        Key = pkcs8 ?? Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }

    /// <summary>The key in PKCS#8, base64: stored with the credential, protected like the tokens.</summary>
    public string Key { get; }

    public static DpopSession Create(TimeProvider time) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), time);

    public static DpopSession? Import(string? pkcs8, TimeProvider time)
    {
        if (string.IsNullOrEmpty(pkcs8))
        {
            return null;
        }

        try
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
            return Jwt.IsP256(key) ? new DpopSession(key, time, pkcs8) : null;
        }
        // A PKCS#8 naming a curve this platform lacks throws PlatformNotSupportedException (found by the fuzzer, issue 10).
        catch (Exception ex) when (ex is FormatException or CryptographicException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    public void RememberNonce(Uri uri, string nonce, bool authorizationServer) =>
        (authorizationServer ? _authorizationServerNonces : _resourceServerNonces)[UriPolicy.Origin(uri)] = nonce;

    /// <summary>A fresh proof (new <c>jti</c>, current <c>iat</c>) for one request; <c>ath</c> binds it to an access token.</summary>
    public string CreateProof(string method, Uri uri, string? accessToken, bool authorizationServer)
    {
        var payload = new JsonObject
        {
            ["jti"] = Jwt.NewJti(),
            ["htm"] = method,
            ["htu"] = uri.GetLeftPart(UriPartial.Path), // §4.2: no query, no fragment
            ["iat"] = _time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            payload["ath"] = Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        if ((authorizationServer ? _authorizationServerNonces : _resourceServerNonces).TryGetValue(UriPolicy.Origin(uri), out string? nonce))
        {
            payload["nonce"] = nonce;
        }

        var header = new JsonObject { ["typ"] = "dpop+jwt", ["jwk"] = Jwt.PublicJwk(_key) };
        return Jwt.Sign(header, payload, _key);
    }

    public void Dispose() => _key.Dispose();
}
