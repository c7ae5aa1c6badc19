using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Pkce;

public sealed partial class S256PkceGeneratorTests
{
    [Fact]
    public void ComputeChallenge_Rfc7636AppendixBVerifier_GivesTheAppendixBChallenge()
    {
        // RFC 7636 Appendix B, AUTH-33
        S256PkceGenerator.ComputeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            .Should().Be("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    [Fact]
    public void Generate_OnePair_VerifierIs43UnreservedCharactersAndChallengeIsItsS256()
    {
        // AUTHZ-05, RFC 7636 §4.1, §4.2
        PkcePair pair = new S256PkceGenerator().Generate();

        using (new AssertionScope())
        {
            pair.Verifier.Should().HaveLength(43).And.MatchRegex(UnreservedPattern());
            pair.Challenge.Should().HaveLength(43).And.MatchRegex(UnreservedPattern());
            pair.Challenge.Should().Be(IndependentS256(pair.Verifier));
            PkcePair.Method.Should().Be("S256");
        }
    }

    [Fact]
    public void Generate_ThousandPairs_AllVerifiersAndChallengesUnique()
    {
        // AUTHZ-05, AUTH-32: a fresh verifier per flow
        var generator = new S256PkceGenerator();

        PkcePair[] pairs = [.. Enumerable.Range(0, 1000).Select(_ => generator.Generate())];

        pairs.Select(p => p.Verifier).Should().OnlyHaveUniqueItems();
        pairs.Select(p => p.Challenge).Should().OnlyHaveUniqueItems();
        pairs.Should().AllSatisfy(p =>
        {
            p.Verifier.Should().MatchRegex(UnreservedPattern());
            p.Challenge.Should().Be(IndependentS256(p.Verifier));
        });
    }

    [Fact]
    public void Generate_ThousandVerifiers_UseTheWholeAlphabet()
    {
        // 32 random bytes: over 43,000 characters every base64url symbol appears; a weak source would not
        var generator = new S256PkceGenerator();

        string all = string.Concat(Enumerable.Range(0, 1000).Select(_ => generator.Generate().Verifier));

        all.Distinct().Should().HaveCount(64);
    }

    private static string IndependentS256(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex UnreservedPattern();
}
