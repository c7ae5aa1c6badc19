using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;
using Base64Url = System.Buffers.Text.Base64Url;

namespace McpOAuth.Client.Tests.Internal;

public sealed class JwtTests
{
    [Fact]
    public void Sign_Es256_HeaderCarriesAlgAndTypAndEverySegmentIsUnpaddedBase64Url()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        string compact = Jwt.Sign(new JsonObject { ["typ"] = "JWT" }, new JsonObject { ["sub"] = "s\u00fcb?>>" }, key);

        string[] segments = compact.Split('.');
        TestJws jws = TestJwt.Parse(compact);
        using (new AssertionScope())
        {
            segments.Should().HaveCount(3);
            segments.Should().OnlyContain(s => TestJwt.IsBase64Url(s), "RFC 7515 §2: base64url without '=' padding, '+' or '/'");
            jws.HeaderString("alg").Should().Be("ES256");
            jws.HeaderString("typ").Should().Be("JWT");
            jws.ClaimString("sub").Should().Be("s\u00fcb?>>");
            jws.Signature.Should().HaveCount(64, "ES256 signatures are the 64-byte R||S concatenation (RFC 7518 §3.4)");
        }
    }

    [Fact]
    public void Sign_Es256_SignatureVerifiesWithThePublicKeyOnly()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));

        string compact = Jwt.Sign(new JsonObject(), new JsonObject { ["iss"] = "client-1", ["n"] = 1 }, key);

        TestJws jws = TestJwt.Parse(compact);
        byte[] data = System.Text.Encoding.ASCII.GetBytes(jws.SigningInput);
        publicOnly.VerifyData(data, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            .Should().BeTrue();
    }

    [Fact]
    public void Sign_Rs256_SignatureVerifiesWithThePublicKeyOnly()
    {
        using var key = RSA.Create(2048);
        using var publicOnly = RSA.Create(key.ExportParameters(includePrivateParameters: false));

        string compact = Jwt.Sign(new JsonObject { ["typ"] = "JWT" }, new JsonObject { ["iss"] = "client-1" }, key);

        TestJws jws = TestJwt.Parse(compact);
        byte[] data = System.Text.Encoding.ASCII.GetBytes(jws.SigningInput);
        using (new AssertionScope())
        {
            jws.HeaderString("alg").Should().Be("RS256");
            jws.Signature.Should().HaveCount(256);
            publicOnly.VerifyData(data, jws.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).Should().BeTrue();
        }
    }

    [Fact]
    public void Sign_PayloadAlteredAfterSigning_NoLongerVerifies()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        TestJws jws = TestJwt.Parse(Jwt.Sign(new JsonObject(), new JsonObject { ["sub"] = "alice" }, key));

        string forgedPayload = TestJwt.B64("{\"sub\":\"mallory\"}");
        TestJws forged = jws with { SigningInput = jws.Segments[0] + "." + forgedPayload };

        using (new AssertionScope())
        {
            jws.VerifyWith(key).Should().BeTrue();
            forged.VerifyWith(key).Should().BeFalse();
        }
    }

    [Fact]
    public void Sign_TwoSignaturesOfTheSameClaims_BothVerify()
    {
        // ECDSA is randomized: equal inputs give different signatures, and each must verify on its own.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = new JsonObject { ["a"] = 1 };

        string first = Jwt.Sign(new JsonObject(), payload, key);
        string second = Jwt.Sign(new JsonObject(), payload, key);

        using (new AssertionScope())
        {
            TestJwt.Parse(first).VerifyWith(key).Should().BeTrue();
            TestJwt.Parse(second).VerifyWith(key).Should().BeTrue();
        }
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void AlgorithmFor_RsaOf2048BitsOrMore_Rs256(int bits)
    {
        using var key = RSA.Create(bits);

        Jwt.AlgorithmFor(key).Should().Be("RS256");
    }

    [Fact]
    public void AlgorithmFor_P256_Es256()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Jwt.AlgorithmFor(key).Should().Be("ES256");
    }

    // brainpoolP256r1 is a 256-bit curve that is not P-256: ES256 is defined for P-256 only (RFC 7518 §3.4).
    public static TheoryData<string> UnusableKeys => ["P-384", "P-521", "RSA-1024", "brainpoolP256r1"];

    [Theory]
    [MemberData(nameof(UnusableKeys))]
    public void AlgorithmFor_UnusableKey_ThrowsMcpOAuthException(string kind)
    {
        using AsymmetricAlgorithm key = CreateKey(kind);

        Action act = () => Jwt.AlgorithmFor(key);

        act.Should().Throw<McpOAuthException>().WithMessage("*P-256*RSA*2048*");
    }

    [Theory]
    [MemberData(nameof(UnusableKeys))]
    public void Sign_UnusableKey_ThrowsInsteadOfSigningWithAnotherAlgorithm(string kind)
    {
        using AsymmetricAlgorithm key = CreateKey(kind);

        Action act = () => Jwt.Sign(new JsonObject(), new JsonObject(), key);

        act.Should().Throw<McpOAuthException>();
    }

    [Fact]
    public void PublicJwk_EcKey_HasOnlyThePublicMembersInRfc7638Order()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ECParameters p = key.ExportParameters(includePrivateParameters: false);

        JsonObject jwk = Jwt.PublicJwk(key);

        using (new AssertionScope())
        {
            jwk.Select(m => m.Key).Should().Equal("crv", "kty", "x", "y");
            jwk["crv"]!.GetValue<string>().Should().Be("P-256");
            jwk["kty"]!.GetValue<string>().Should().Be("EC");
            Base64Url.DecodeFromChars(jwk["x"]!.GetValue<string>()).Should().Equal(p.Q.X);
            Base64Url.DecodeFromChars(jwk["y"]!.GetValue<string>()).Should().Equal(p.Q.Y);
            TestJwt.HasPrivateMembers(jwk).Should().BeFalse();
        }
    }

    [Fact]
    public void PublicJwk_RsaKey_HasOnlyThePublicMembersInRfc7638Order()
    {
        using var key = RSA.Create(2048);

        JsonObject jwk = Jwt.PublicJwk(key);

        using (new AssertionScope())
        {
            jwk.Select(m => m.Key).Should().Equal("e", "kty", "n");
            jwk["e"]!.GetValue<string>().Should().Be("AQAB");
            Base64Url.DecodeFromChars(jwk["n"]!.GetValue<string>()).Should().HaveCount(256);
            TestJwt.HasPrivateMembers(jwk).Should().BeFalse();
        }
    }

    [Fact]
    public void NewJti_ThousandCalls_UniqueUnpadded128BitValues()
    {
        string[] values = [.. Enumerable.Range(0, 1000).Select(_ => Jwt.NewJti())];

        using (new AssertionScope())
        {
            values.Should().OnlyHaveUniqueItems();
            values.Should().OnlyContain(v => v.Length == 22 && TestJwt.IsBase64Url(v));
        }
    }

    private static AsymmetricAlgorithm CreateKey(string kind) => kind switch
    {
        "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "P-521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        "RSA-1024" => RSA.Create(1024),
        "brainpoolP256r1" => ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
