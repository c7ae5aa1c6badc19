using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The outcome of checking one DPoP proof: <see cref="Jkt"/> when valid, else an error code and why.</summary>
/// <param name="Error"><c>invalid_dpop_proof</c> or <c>use_dpop_nonce</c>, or <see langword="null"/> when valid.</param>
/// <param name="Description">Why the proof was refused.</param>
/// <param name="Jkt">The RFC 7638 thumbprint of the proof's key when valid.</param>
/// <param name="Proof">The parsed proof, when it could be parsed.</param>
internal sealed record DpopCheck(string? Error, string? Description, string? Jkt, TestJws? Proof)
{
    public bool IsValid => Error is null;
}

/// <summary>Checks DPoP proofs as RFC 9449 §4.3 asks a server to, for the test authorization and resource servers.</summary>
internal sealed class TestDpopVerifier
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _seenJtis = new(StringComparer.Ordinal);

    /// <summary>Checks the DPoP header values of one request.</summary>
    /// <param name="values">Every <c>DPoP</c> header value the request carried.</param>
    /// <param name="method">The request method (<c>htm</c>).</param>
    /// <param name="targetUri">The request URI without query and fragment (<c>htu</c>).</param>
    /// <param name="accessToken">The access token the proof must be bound to (<c>ath</c>), or null at a token endpoint.</param>
    /// <param name="requiredNonce">The nonce the proof must carry, or null.</param>
    /// <param name="now">The server's clock.</param>
    /// <returns>The outcome.</returns>
    public DpopCheck Verify(StringValues values, string method, string targetUri, string? accessToken, string? requiredNonce, DateTimeOffset now)
    {
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Invalid($"exactly one DPoP header is required, got {values.Count}");
        }

        TestJws? proof = TestJwt.TryParse(values[0]);
        if (proof is null)
        {
            return Invalid("not a compact JWS");
        }

        if (proof.HeaderString("typ") != "dpop+jwt")
        {
            return Invalid("typ must be dpop+jwt", proof);
        }

        if (proof.HeaderString("alg") is not ("ES256" or "RS256"))
        {
            return Invalid("alg must be an asymmetric algorithm", proof);
        }

        if (proof.Header["jwk"] is not JsonObject jwk || TestJwt.HasPrivateMembers(jwk))
        {
            return Invalid("jwk must be a public key", proof);
        }

        if (!proof.VerifyWithHeaderJwk())
        {
            return Invalid("signature does not verify with the jwk", proof);
        }

        if (proof.ClaimString("jti") is not { Length: > 0 } jti)
        {
            return Invalid("jti missing", proof);
        }

        if (proof.ClaimString("htm") != method)
        {
            return Invalid($"htm '{proof.ClaimString("htm")}' is not {method}", proof);
        }

        if (proof.ClaimString("htu") != targetUri)
        {
            return Invalid($"htu '{proof.ClaimString("htu")}' is not {targetUri}", proof);
        }

        if (proof.ClaimNumber("iat") is not { } iat || Math.Abs(now.ToUnixTimeSeconds() - iat) > MaxClockSkew.TotalSeconds)
        {
            return Invalid("iat missing or outside the acceptable window", proof);
        }

        if (accessToken is not null && proof.ClaimString("ath") != TestJwt.AccessTokenHash(accessToken))
        {
            return Invalid("ath does not match the access token", proof);
        }

        // Every signed proof's jti counts, so a retry after use_dpop_nonce must bring a new one.
        lock (_gate)
        {
            if (!_seenJtis.Add(jti))
            {
                return Invalid("jti replayed", proof);
            }
        }

        if (requiredNonce is not null && proof.ClaimString("nonce") != requiredNonce)
        {
            return new DpopCheck("use_dpop_nonce", "a nonce is required", null, proof);
        }

        return new DpopCheck(null, null, TestJwt.Thumbprint(jwk), proof);
    }

    private static DpopCheck Invalid(string description, TestJws? proof = null) => new("invalid_dpop_proof", description, null, proof);
}
