using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>One compact JWS taken apart, for tests and test servers; independent of the library's own JWT code.</summary>
/// <param name="Header">The protected header.</param>
/// <param name="Payload">The claims.</param>
/// <param name="Signature">The raw signature bytes.</param>
/// <param name="SigningInput">The ASCII <c>header.payload</c> that was signed.</param>
/// <param name="Segments">The three base64url segments as they were on the wire.</param>
internal sealed record TestJws(JsonObject Header, JsonObject Payload, byte[] Signature, string SigningInput, IReadOnlyList<string> Segments)
{
    public string? HeaderString(string name) => Header[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    public string? ClaimString(string name) => Payload[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    public long? ClaimNumber(string name) => Payload[name] is JsonValue v && v.TryGetValue(out long n) ? n : null;

    /// <summary>Verifies the signature with a public key: ES256 (IEEE P1363) or RS256 (PKCS#1 v1.5), as the header's <c>alg</c> says.</summary>
    public bool VerifyWith(AsymmetricAlgorithm publicKey)
    {
        byte[] data = Encoding.ASCII.GetBytes(SigningInput);
        return (HeaderString("alg"), publicKey) switch
        {
            ("ES256", ECDsa ec) => Signature.Length == 64
                && ec.VerifyData(data, Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            ("RS256", RSA rsa) => rsa.VerifyData(data, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => false,
        };
    }

    /// <summary>Verifies the signature with the public key in the header's <c>jwk</c>.</summary>
    public bool VerifyWithHeaderJwk()
    {
        if (Header["jwk"] is not JsonObject jwk)
        {
            return false;
        }

        using AsymmetricAlgorithm? key = TestJwt.ImportPublicJwk(jwk);
        return key is not null && VerifyWith(key);
    }
}

/// <summary>JWS parsing, signing, JWK import and RFC 7638 thumbprints written for the tests, so the library is checked
/// against an independent implementation.</summary>
internal static class TestJwt
{
    private static readonly string[] PrivateJwkMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether a segment is unpadded base64url (RFC 7515 §2).</summary>
    public static bool IsBase64Url(string segment) =>
        segment.Length > 0 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Splits and decodes a compact JWS; null when it is not one.</summary>
    public static TestJws? TryParse(string? compact)
    {
        if (compact is null)
        {
            return null;
        }

        string[] parts = compact.Split('.');
        if (parts.Length != 3 || !parts.All(IsBase64Url))
        {
            return null;
        }

        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            byte[] signature = Base64Url.DecodeFromChars(parts[2]);
            return header is null || payload is null ? null : new TestJws(header, payload, signature, parts[0] + "." + parts[1], parts);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public static TestJws Parse(string compact) =>
        TryParse(compact) ?? throw new FormatException("Not a compact JWS: " + compact);

    /// <summary>Signs claims with ES256 or RS256, as an identity provider or a workload platform would.</summary>
    public static string Sign(JsonObject payload, AsymmetricAlgorithm key, string typ = "JWT")
    {
        string alg = key is ECDsa ? "ES256" : "RS256";
        var header = new JsonObject { ["alg"] = alg, ["typ"] = typ };
        string input = B64(header.ToJsonString()) + "." + B64(payload.ToJsonString());
        byte[] data = Encoding.ASCII.GetBytes(input);
        byte[] signature = key switch
        {
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("Unsupported key.", nameof(key)),
        };
        return input + "." + B64(signature);
    }

    /// <summary>Whether a JWK carries any private member (RFC 7518 §6.2.2, §6.3.2, §6.4.1).</summary>
    public static bool HasPrivateMembers(JsonObject jwk) => PrivateJwkMembers.Any(jwk.ContainsKey);

    /// <summary>Imports a public EC P-256 or RSA JWK; null for anything else or a JWK with private members.</summary>
    public static AsymmetricAlgorithm? ImportPublicJwk(JsonObject jwk)
    {
        if (HasPrivateMembers(jwk))
        {
            return null;
        }

        try
        {
            switch (Str(jwk, "kty"))
            {
                case "EC" when Str(jwk, "crv") == "P-256" && Str(jwk, "x") is { } x && Str(jwk, "y") is { } y:
                    byte[] qx = Base64Url.DecodeFromChars(x);
                    byte[] qy = Base64Url.DecodeFromChars(y);
                    if (qx.Length != 32 || qy.Length != 32)
                    {
                        return null;
                    }

                    return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = qx, Y = qy } });
                case "RSA" when Str(jwk, "n") is { } n && Str(jwk, "e") is { } e:
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.DecodeFromChars(n), Exponent = Base64Url.DecodeFromChars(e) });
                    return rsa;
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    public static string Thumbprint(JsonObject jwk)
    {
        string canonical = Str(jwk, "kty") switch
        {
            "EC" => $"{{\"crv\":\"{Str(jwk, "crv")}\",\"kty\":\"EC\",\"x\":\"{Str(jwk, "x")}\",\"y\":\"{Str(jwk, "y")}\"}}",
            "RSA" => $"{{\"e\":\"{Str(jwk, "e")}\",\"kty\":\"RSA\",\"n\":\"{Str(jwk, "n")}\"}}",
            _ => throw new ArgumentException("Unsupported kty.", nameof(jwk)),
        };
        return B64(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>RFC 9449 §4.2: <c>ath</c> = base64url(SHA-256(ASCII(access token))).</summary>
    public static string AccessTokenHash(string accessToken) => B64(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
