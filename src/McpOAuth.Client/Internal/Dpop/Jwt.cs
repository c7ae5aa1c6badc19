using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Internal;

/// <summary>Compact JWS signing with ES256 or RS256 (RFC 7515, RFC 7518), and public JWKs (RFC 7517, RFC 7638).</summary>
internal static class Jwt
{
    public const string ES256 = "ES256";
    public const string RS256 = "RS256";

    /// <summary>The algorithm a key signs with: ES256 for P-256 ECDSA keys, RS256 for RSA keys of 2048 bits or more.</summary>
    /// <summary>The OID of NIST P-256 (secp256r1, prime256v1).</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    public static bool IsP256(ECDsa key)
    {
        try
        {
            ECCurve curve = key.ExportParameters(includePrivateParameters: false).Curve;
            return curve.IsNamed && (curve.Oid.Value == P256Oid
                || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static string AlgorithmFor(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec when IsP256(ec) => ES256,
        RSA rsa when rsa.KeySize >= 2048 => RS256,
        _ => throw new McpOAuthException(
            McpOAuthErrorCode.Unknown,
            "Signing keys must be P-256 ECDSA (ES256) or RSA of at least 2048 bits (RS256)."),
    };

    public static string Sign(JsonObject header, JsonObject payload, AsymmetricAlgorithm key)
    {
        string algorithm = AlgorithmFor(key);
        header["alg"] = algorithm;
        string signingInput = Encode(header) + "." + Encode(payload);
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        byte[] signature = key switch
        {
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("Unsupported key."),
        };
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>The public part of a key as a JWK, members in RFC 7638 order.</summary>
    public static JsonObject PublicJwk(AsymmetricAlgorithm key)
    {
        switch (key)
        {
            case ECDsa ec:
                ECParameters p = ec.ExportParameters(includePrivateParameters: false);
                return new JsonObject
                {
                    ["crv"] = "P-256",
                    ["kty"] = "EC",
                    ["x"] = Base64Url.Encode(p.Q.X),
                    ["y"] = Base64Url.Encode(p.Q.Y),
                };
            case RSA rsa:
                RSAParameters r = rsa.ExportParameters(includePrivateParameters: false);
                return new JsonObject
                {
                    ["e"] = Base64Url.Encode(r.Exponent),
                    ["kty"] = "RSA",
                    ["n"] = Base64Url.Encode(r.Modulus),
                };
            default:
                throw new InvalidOperationException("Unsupported key.");
        }
    }

    public static string NewJti()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    private static string Encode(JsonObject json) => Base64Url.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
