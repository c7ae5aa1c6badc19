using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class WwwAuthenticateParserTests
{
    [Fact]
    public void Parse_BearerWithResourceMetadataAndScope_ExtractsBothExactly()
    {
        // WWWA-01, RFC 9728 §5.1, RFC 6750 §3
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Bearer resource_metadata=\"https://h/.well-known/oauth-protected-resource/mcp\", scope=\"files:read files:write\"");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        using (new AssertionScope())
        {
            bearer.Scheme.Should().Be("Bearer");
            bearer.Get("resource_metadata").Should().Be("https://h/.well-known/oauth-protected-resource/mcp");
            bearer.Get("scope").Should().Be("files:read files:write");
            bearer.Token68.Should().BeNull();
        }
    }

    [Fact]
    public void Parse_BasicThenBearerInOneField_AttributesParametersToTheirOwnScheme()
    {
        // WWWA-02, RFC 9110 §11.6.1
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Basic realm=\"x\", Bearer resource_metadata=\"https://h/prm\", error=\"invalid_token\"");

        challenges.Select(c => c.Scheme).Should().Equal("Basic", "Bearer");
        challenges[0].Parameters.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("realm", "x"));
        challenges[0].Get("resource_metadata").Should().BeNull();
        challenges[1].Get("resource_metadata").Should().Be("https://h/prm");
        challenges[1].Get("error").Should().Be("invalid_token");
        challenges[1].Get("realm").Should().BeNull();
    }

    [Fact]
    public void Parse_DPoPThenBearerInOneField_BearerErrorIsNotDPoPs()
    {
        // WWWA-02
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("DPoP algs=\"ES256\", Bearer error=\"invalid_token\"");

        challenges.Select(c => c.Scheme).Should().Equal("DPoP", "Bearer");
        challenges[0].Get("algs").Should().Be("ES256");
        challenges[0].Get("error").Should().BeNull();
        challenges[1].Get("error").Should().Be("invalid_token");
        challenges[1].Get("algs").Should().BeNull();
    }

    [Fact]
    public void Parse_ChallengesAcrossTwoFields_FindsBearerInTheSecond()
    {
        // WWWA-03, RFC 9110 §5.3
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(["Basic realm=\"x\"", "Bearer scope=\"a\", resource_metadata=\"https://h/prm\""]);

        challenges.Select(c => c.Scheme).Should().Equal("Basic", "Bearer");
        challenges[1].Get("scope").Should().Be("a");
        challenges[1].Get("resource_metadata").Should().Be("https://h/prm");
    }

    [Fact]
    public void Parse_QuotedStringWithEscapedQuotesAndCommas_UnescapesWithoutSplitting()
    {
        // WWWA-04, RFC 9110 §5.6.4
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Bearer error_description=\"a \\\"b\\\", c\", scope=\"a,b\", realm=\"back\\\\slash\"");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Get("error_description").Should().Be("a \"b\", c");
        bearer.Get("scope").Should().Be("a,b");
        bearer.Get("realm").Should().Be("back\\slash");
        bearer.Parameters.Should().HaveCount(3);
    }

    [Fact]
    public void Parse_QuotedCommaFollowedByWhatLooksLikeAChallenge_StaysInsideTheValue()
    {
        // WWWA-04: no split inside quotes
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("Bearer error_description=\"x, Basic realm=y\", scope=\"s\"");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Get("error_description").Should().Be("x, Basic realm=y");
        bearer.Get("scope").Should().Be("s");
    }

    [Fact]
    public void Parse_UppercaseSchemeAndParameterNames_MatchedCaseInsensitively()
    {
        // WWWA-05, RFC 9110 §11.1, §11.2
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("BEARER RESOURCE_METADATA=\"https://h/prm\", ERROR=invalid_token");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Scheme.Should().BeEquivalentTo("bearer");
        bearer.Get("resource_metadata").Should().Be("https://h/prm");
        bearer.Get("error").Should().Be("invalid_token");
    }

    [Theory]
    [InlineData("Bearer error = \"invalid_token\" , scope = \"a b\"")]
    [InlineData("Bearer error=invalid_token,scope=\"a b\"")]
    [InlineData("Bearer\terror\t=\tinvalid_token,\tscope=\"a b\"")]
    [InlineData("  Bearer   error=\"invalid_token\",,  scope=\"a b\"  ")]
    public void Parse_WhitespaceAroundEqualsAndTokenValues_Accepted(string header)
    {
        // WWWA-05, RFC 9110 §11.2 (BWS around '=', token or quoted-string values)
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(header);

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Get("error").Should().Be("invalid_token");
        bearer.Get("scope").Should().Be("a b");
    }

    [Fact]
    public void Parse_Token68BeforeBearer_KeptAsToken68AndBearerStillParsed()
    {
        // WWWA-06 (a token68 blob before Bearer), RFC 9110 §11.2
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("Negotiate YIIabc+/de==, Bearer resource_metadata=\"https://h/prm\"");

        challenges.Select(c => c.Scheme).Should().Equal("Negotiate", "Bearer");
        challenges[0].Token68.Should().Be("YIIabc+/de==");
        challenges[0].Parameters.Should().BeEmpty();
        challenges[1].Get("resource_metadata").Should().Be("https://h/prm");
    }

    [Fact]
    public void Parse_SchemeWithoutParameters_ParsedAsBareChallenge()
    {
        // WWWA-06: "Bearer," is a challenge with no parameters
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("Bearer,");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Scheme.Should().Be("Bearer");
        bearer.Parameters.Should().BeEmpty();
        bearer.Get("resource_metadata").Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",,,")]
    [InlineData("Bearer resource_metadata=\"https://h/prm")]
    [InlineData("Bearer resource_metadata=\"https://h/prm\\")]
    [InlineData("Bearer resource_metadata=")]
    [InlineData("Bearer =\"x\"")]
    [InlineData("\"Bearer\" resource_metadata=\"https://h/prm\"")]
    [InlineData("Bearer resource_metadata=\"a\"\"b\"")]
    [InlineData("Bearer\u0000resource_metadata=\"x\"")]
    [InlineData("Bearer resource_metadata=\"x\" junk=\"y\"")]
    [InlineData("=")]
    [InlineData("\\")]
    public void Parse_MalformedInput_DoesNotThrowAndYieldsNoUsableResourceMetadata(string header)
    {
        // WWWA-06: malformed input never throws; the caller falls back to the well-known URLs
        Func<List<AuthChallenge>> act = () => WwwAuthenticateParser.Parse(header);

        List<AuthChallenge> challenges = act.Should().NotThrow().Subject;
        challenges.Select(c => c.Get("resource_metadata")).Should().NotContain("https://h/prm");
    }

    [Fact]
    public void Parse_UnterminatedQuote_DropsTheUnterminatedParameterButKeepsEarlierOnes()
    {
        // WWWA-06: what parsed before the error is kept
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("Bearer error=\"invalid_token\", resource_metadata=\"https://h/prm");

        AuthChallenge bearer = challenges.Should().ContainSingle().Which;
        bearer.Get("error").Should().Be("invalid_token");
        bearer.Get("resource_metadata").Should().BeNull();
    }

    [Fact]
    public void Parse_ManyParameters_StopsAtTheCapWithoutThrowing()
    {
        // WWWA-06 (10,000 parameters; only 8 KiB fit, and at most 64 are kept)
        var builder = new System.Text.StringBuilder("Bearer p0=v");
        for (int i = 1; builder.Length < McpOAuthDefaults.MaxWwwAuthenticateLength - 16; i++)
        {
            builder.Append(", p").Append(i).Append("=v");
        }

        string header = builder.ToString();

        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(header);

        challenges.Should().ContainSingle().Which.Parameters.Count.Should().BeInRange(1, 64);
    }

    [Fact]
    public void Parse_FieldLongerThan8KiB_IsIgnored()
    {
        // WWWA-06 (a 64 KB value), McpOAuthDefaults.MaxWwwAuthenticateLength
        string header = "Bearer resource_metadata=\"https://h/prm\", error_description=\"" + new string('a', 64 * 1024) + "\"";

        WwwAuthenticateParser.Parse(header).Should().BeEmpty();
    }

    [Fact]
    public void Parse_FieldOfExactly8KiB_IsParsed()
    {
        // The limit is inclusive: only longer fields are ignored.
        string prefix = "Bearer resource_metadata=\"https://h/prm\", error_description=\"";
        string header = prefix + new string('a', McpOAuthDefaults.MaxWwwAuthenticateLength - prefix.Length - 1) + "\"";
        header.Length.Should().Be(McpOAuthDefaults.MaxWwwAuthenticateLength);

        WwwAuthenticateParser.Parse(header).Should().ContainSingle().Which.Get("resource_metadata").Should().Be("https://h/prm");
    }

    [Fact]
    public void Parse_OversizedFieldThenNormalField_ParsesOnlyTheNormalOne()
    {
        // WWWA-06 with WWWA-03: an oversized field does not hide the next one
        string huge = "Basic realm=\"" + new string('x', 9000) + "\"";

        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse([huge, "Bearer scope=\"a\""]);

        challenges.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\\")]
    [InlineData(",")]
    [InlineData("=")]
    [InlineData("a=")]
    [InlineData("a=\"b\\\"")]
    public void Parse_HostileRepetitionsUpToTheLimit_DoesNotThrow(string unit)
    {
        // WWWA-06: pathological inputs of maximal size
        var builder = new System.Text.StringBuilder("Bearer ");
        while (builder.Length + unit.Length <= McpOAuthDefaults.MaxWwwAuthenticateLength)
        {
            builder.Append(unit);
        }

        Action act = () => WwwAuthenticateParser.Parse(builder.ToString());

        act.Should().NotThrow();
    }

    [Fact]
    public void Parse_ResourceMetadataTwiceWithDifferentValues_GetReturnsNull()
    {
        // WWWA-08: ambiguous, so ignored rather than "last one wins"
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Bearer resource_metadata=\"https://a.example/prm\", resource_metadata=\"https://b.example/prm\"");

        challenges.Should().ContainSingle().Which.Get("resource_metadata").Should().BeNull();
    }

    [Fact]
    public void Parse_ResourceMetadataTwiceDifferingOnlyInNameCase_GetReturnsNull()
    {
        // WWWA-08 with WWWA-05: names are case-insensitive, so these are duplicates
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Bearer resource_metadata=\"https://a.example/prm\", RESOURCE_METADATA=\"https://b.example/prm\"");

        challenges.Should().ContainSingle().Which.Get("resource_metadata").Should().BeNull();
    }

    [Fact]
    public void Parse_ResourceMetadataTwiceWithTheSameValue_GetReturnsIt()
    {
        // WWWA-08: a harmless repeat is not ambiguous
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(
            "Bearer resource_metadata=\"https://a.example/prm\", resource_metadata=\"https://a.example/prm\"");

        challenges.Should().ContainSingle().Which.Get("resource_metadata").Should().Be("https://a.example/prm");
    }

    [Fact]
    public void Parse_SameParameterInTwoDifferentChallenges_EachChallengeKeepsItsOwn()
    {
        // WWWA-08 is per challenge: Basic's realm does not make Bearer's realm ambiguous
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse("Basic realm=\"a\", Bearer realm=\"b\"");

        challenges[0].Get("realm").Should().Be("a");
        challenges[1].Get("realm").Should().Be("b");
    }
}
