using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class DpopSessionTests : IDisposable
{
    private static readonly Uri TokenEndpoint = new("https://auth.example.com/oauth/token");
    private static readonly Uri McpEndpoint = new("https://mcp.example.com:8443/mcp");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
    private readonly DpopSession _session;

    public DpopSessionTests()
    {
        _session = DpopSession.Create(_time);
    }

    public void Dispose() => _session.Dispose();

    [Fact]
    public void CreateProof_Header_TypDpopJwtEs256AndAPublicP256Jwk()
    {
        TestJws proof = TestJwt.Parse(_session.CreateProof("POST", TokenEndpoint, accessToken: null, authorizationServer: true));

        JsonObject? jwk = proof.Header["jwk"] as JsonObject;
        using (new AssertionScope())
        {
            proof.HeaderString("typ").Should().Be("dpop+jwt");
            proof.HeaderString("alg").Should().Be("ES256");
            jwk.Should().NotBeNull();
            jwk!["kty"]!.GetValue<string>().Should().Be("EC");
            jwk["crv"]!.GetValue<string>().Should().Be("P-256");
            TestJwt.HasPrivateMembers(jwk).Should().BeFalse("RFC 9449 §4.2: the jwk header MUST NOT contain a private key");
            proof.Segments.Should().OnlyContain(s => TestJwt.IsBase64Url(s));
        }
    }

    [Fact]
    public void CreateProof_Signature_VerifiesWithThePublicKeyInTheHeader()
    {
        TestJws proof = TestJwt.Parse(_session.CreateProof("POST", TokenEndpoint, accessToken: null, authorizationServer: true));

        proof.VerifyWithHeaderJwk().Should().BeTrue();
    }

    [Fact]
    public void CreateProof_Claims_JtiHtmHtuAndIatFromTheTimeProvider()
    {
        TestJws proof = TestJwt.Parse(_session.CreateProof("POST", TokenEndpoint, accessToken: null, authorizationServer: true));

        using (new AssertionScope())
        {
            proof.ClaimString("htm").Should().Be("POST");
            proof.ClaimString("htu").Should().Be("https://auth.example.com/oauth/token");
            proof.ClaimNumber("iat").Should().Be(_time.GetUtcNow().ToUnixTimeSeconds());
            proof.ClaimString("jti").Should().NotBeNullOrEmpty();
            proof.Payload.Should().NotContainKey("ath", "no access token was given");
            proof.Payload.Should().NotContainKey("nonce", "no nonce was remembered");
        }
    }

    [Fact]
    public void CreateProof_TimeMoves_IatFollowsTheClock()
    {
        _time.Advance(TimeSpan.FromMinutes(10));

        TestJws proof = TestJwt.Parse(_session.CreateProof("GET", McpEndpoint, "at", authorizationServer: false));

        proof.ClaimNumber("iat").Should().Be(new DateTimeOffset(2031, 5, 6, 7, 18, 9, TimeSpan.Zero).ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("https://mcp.example.com:8443/mcp?session=1&x=%20#frag", "https://mcp.example.com:8443/mcp")]
    [InlineData("https://mcp.example.com:8443/mcp#only-fragment", "https://mcp.example.com:8443/mcp")]
    [InlineData("https://MCP.Example.COM/a/b/?q", "https://mcp.example.com/a/b/")]
    [InlineData("https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp")]
    [InlineData("http://127.0.0.1:5000/mcp", "http://127.0.0.1:5000/mcp")]
    public void CreateProof_UriWithQueryOrFragment_HtuHasNeither(string requestUri, string expectedHtu)
    {
        // RFC 9449 §4.2: htu is the target URI without query and fragment.
        TestJws proof = TestJwt.Parse(_session.CreateProof("POST", new Uri(requestUri), "at", authorizationServer: false));

        proof.ClaimString("htu").Should().Be(expectedHtu);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public void CreateProof_Method_HtmIsTheRequestMethod(string method)
    {
        TestJws proof = TestJwt.Parse(_session.CreateProof(method, McpEndpoint, "at", authorizationServer: false));

        proof.ClaimString("htm").Should().Be(method);
    }

    [Fact]
    public void CreateProof_ThousandProofs_EveryJtiIsUniqueAndTheKeyStaysTheSame()
    {
        TestJws[] proofs = [.. Enumerable.Range(0, 1000).Select(_ => TestJwt.Parse(_session.CreateProof("POST", McpEndpoint, "at", authorizationServer: false)))];

        using (new AssertionScope())
        {
            proofs.Select(p => p.ClaimString("jti")).Should().OnlyHaveUniqueItems();
            proofs.Select(p => TestJwt.Thumbprint((JsonObject)p.Header["jwk"]!)).Distinct().Should().ContainSingle();
        }
    }

    [Fact]
    public void CreateProof_Rfc9449Section71ExampleToken_AthIsBase64UrlOfSha256OfTheAsciiToken()
    {
        // RFC 9449 §7.1 example: this access token has ath fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo.
        const string accessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";

        TestJws proof = TestJwt.Parse(_session.CreateProof("GET", McpEndpoint, accessToken, authorizationServer: false));

        using (new AssertionScope())
        {
            proof.ClaimString("ath").Should().Be("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
            proof.ClaimString("ath").Should().Be(TestJwt.AccessTokenHash(accessToken));
        }
    }

    [Fact]
    public void CreateProof_AuthorizationServerNonce_SentOnlyToThatOrigin()
    {
        _session.RememberNonce(TokenEndpoint, "as-nonce-1", authorizationServer: true);

        TestJws sameEndpoint = Proof(TokenEndpoint, authorizationServer: true);
        TestJws sameOriginOtherPath = Proof(new Uri("https://auth.example.com/other?x=1"), authorizationServer: true);
        TestJws otherHost = Proof(new Uri("https://auth2.example.com/oauth/token"), authorizationServer: true);
        TestJws otherPort = Proof(new Uri("https://auth.example.com:8443/oauth/token"), authorizationServer: true);
        TestJws otherScheme = Proof(new Uri("http://auth.example.com/oauth/token"), authorizationServer: true);

        using (new AssertionScope())
        {
            sameEndpoint.ClaimString("nonce").Should().Be("as-nonce-1");
            sameOriginOtherPath.ClaimString("nonce").Should().Be("as-nonce-1");
            otherHost.Payload.Should().NotContainKey("nonce");
            otherPort.Payload.Should().NotContainKey("nonce");
            otherScheme.Payload.Should().NotContainKey("nonce");
        }
    }

    [Fact]
    public void CreateProof_NoncesOfAuthorizationAndResourceServerOnOneOrigin_KeptApart()
    {
        // RFC 9449 §8, §9: the AS and the RS hand out their own nonces, even when they share an origin.
        var shared = new Uri("https://both.example.com/token");
        var mcp = new Uri("https://both.example.com/mcp");
        _session.RememberNonce(shared, "as-nonce", authorizationServer: true);

        TestJws resourceBeforeItsOwn = Proof(mcp, authorizationServer: false);
        _session.RememberNonce(mcp, "rs-nonce", authorizationServer: false);
        TestJws resource = Proof(mcp, authorizationServer: false);
        TestJws authorization = Proof(shared, authorizationServer: true);

        using (new AssertionScope())
        {
            resourceBeforeItsOwn.Payload.Should().NotContainKey("nonce");
            resource.ClaimString("nonce").Should().Be("rs-nonce");
            authorization.ClaimString("nonce").Should().Be("as-nonce");
        }
    }

    [Fact]
    public void RememberNonce_NewNonceForTheSameOrigin_ReplacesTheOldOne()
    {
        _session.RememberNonce(McpEndpoint, "n-1", authorizationServer: false);
        _session.RememberNonce(new Uri("https://mcp.example.com:8443/elsewhere"), "n-2", authorizationServer: false);

        Proof(McpEndpoint, authorizationServer: false).ClaimString("nonce").Should().Be("n-2");
    }

    [Fact]
    public void Key_ImportedIntoANewSession_SameKeySignsVerifiableProofs()
    {
        string exported = _session.Key;
        string originalThumbprint = TestJwt.Thumbprint((JsonObject)Proof(McpEndpoint, authorizationServer: false).Header["jwk"]!);

        using DpopSession? imported = DpopSession.Import(exported, _time);

        imported.Should().NotBeNull();
        TestJws proof = TestJwt.Parse(imported!.CreateProof("POST", McpEndpoint, "at", authorizationServer: false));
        using (new AssertionScope())
        {
            TestJwt.Thumbprint((JsonObject)proof.Header["jwk"]!).Should().Be(originalThumbprint);
            proof.VerifyWithHeaderJwk().Should().BeTrue();
        }
    }

    [Fact]
    public void Key_IsBase64Pkcs8OfAPrivateP256Key()
    {
        string exported = _session.Key;

        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(exported), out int read);
        using (new AssertionScope())
        {
            read.Should().Be(Convert.FromBase64String(exported).Length);
            key.KeySize.Should().Be(256);
            key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value.Should().Be(ECCurve.NamedCurves.nistP256.Oid.Value);
        }
    }

    [Fact]
    public void Create_TwoSessions_DifferentKeys()
    {
        using var other = DpopSession.Create(_time);

        other.Key.Should().NotBe(_session.Key);
    }

    [Fact]
    public void Import_NoncesAreNotPartOfTheKey_ImportedSessionStartsWithout()
    {
        _session.RememberNonce(McpEndpoint, "n-1", authorizationServer: false);

        using DpopSession imported = DpopSession.Import(_session.Key, _time)!;

        TestJwt.Parse(imported.CreateProof("POST", McpEndpoint, "at", authorizationServer: false)).Payload.Should().NotContainKey("nonce");
    }

    [Fact]
    public void Import_CurveOidThePlatformDoesNotKnow_ReturnsNullNotPlatformNotSupported()
    {
        // STORE-07, found by the fuzzer (issue 10): one changed byte in the stored key's curve OID (1.2.840.10045.3.1.7 became
        // 1.2.70.72.10045.3.1.7) threw PlatformNotSupportedException out of Import.
        byte[] pkcs8 = Convert.FromBase64String(_session.Key);
        byte[] p256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
        int at = pkcs8.AsSpan().IndexOf(p256);
        at.Should().BeGreaterThan(0);
        pkcs8[at + 3] = 0x46;

        DpopSession.Import(Convert.ToBase64String(pkcs8), _time).Should().BeNull();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("not base64")]
    [InlineData("base64 of garbage")]
    [InlineData("P-384")]
    [InlineData("brainpoolP256r1")]
    [InlineData("RSA")]
    public void Import_UnusableKey_ReturnsNull(string kind)
    {
        string? stored = StoredKey(kind);

        using DpopSession? session = DpopSession.Import(stored, _time);

        session.Should().BeNull(kind);
    }

    private static string? StoredKey(string kind)
    {
        switch (kind)
        {
            case "null":
                return null;
            case "empty":
                return string.Empty;
            case "not base64":
                return "%%%not-base64%%%";
            case "base64 of garbage":
                return Convert.ToBase64String("definitely not PKCS#8"u8.ToArray());
            case "RSA":
                using (var rsa = RSA.Create(2048))
                {
                    return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
                }

            default:
                using (var ec = ECDsa.Create(kind == "P-384" ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.brainpoolP256r1))
                {
                    return Convert.ToBase64String(ec.ExportPkcs8PrivateKey());
                }
        }
    }

    private TestJws Proof(Uri uri, bool authorizationServer) =>
        TestJwt.Parse(_session.CreateProof("POST", uri, authorizationServer ? null : "at", authorizationServer));
}
