using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Discovery;

/// <summary>The one issuer relaxation (issue 12 item 2): Entra's <c>{tenantid}</c>, narrowly, against hostile declarations.</summary>
public sealed class TenantIssuerTemplateTests
{
    private const string Organizations = "https://login.microsoftonline.com/organizations/v2.0";

    [Theory]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", Organizations)]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/common/v2.0")]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0")]
    [InlineData("https://login.microsoftonline.com/{tenantid}", "https://login.microsoftonline.com/common")]
    [InlineData("http://127.0.0.1:5000/{tenantid}/v2.0", "http://127.0.0.1:5000/organizations/v2.0")]
    public void Instantiates_OwnSegmentInThePlaceholdersPlace_True(string declared, string issuer)
    {
        TenantIssuerTemplate.Instantiates(declared, issuer).Should().BeTrue();
    }

    [Theory]
    [InlineData("https://attacker.example/{tenantid}/v2.0")] // another host
    [InlineData("https://login.microsoftonline.com.attacker.example/{tenantid}/v2.0")] // a host that starts like it
    [InlineData("http://login.microsoftonline.com/{tenantid}/v2.0")] // another scheme
    [InlineData("https://login.microsoftonline.com:8443/{tenantid}/v2.0")] // another port
    [InlineData("https://{tenantid}.microsoftonline.com/organizations/v2.0")] // the placeholder in the host
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.1")] // another path
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0/")] // another path, by a slash
    [InlineData("https://login.microsoftonline.com/{tenantid}")] // the placeholder would swallow two segments
    [InlineData("https://login.microsoftonline.com/org{tenantid}/v2.0")] // not a whole segment
    [InlineData("https://login.microsoftonline.com/{tenantid}/{tenantid}")] // two placeholders
    [InlineData("https://login.microsoftonline.com/{TENANTID}/v2.0")] // not the placeholder
    [InlineData("https://login.microsoftonline.com/common/v2.0")] // no placeholder: a plain mismatch
    [InlineData("")]
    [InlineData(null)]
    public void Instantiates_AnythingElse_False(string? declared)
    {
        TenantIssuerTemplate.Instantiates(declared, Organizations).Should().BeFalse();
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/a%2Fb/v2.0")] // an encoded slash in the segment
    [InlineData("https://login.microsoftonline.com/a?b/v2.0")]
    [InlineData("https://login.microsoftonline.com//v2.0")] // an empty segment
    public void Instantiates_IssuerSegmentNotAPlainName_False(string issuer)
    {
        TenantIssuerTemplate.Instantiates("https://login.microsoftonline.com/{tenantid}/v2.0", issuer).Should().BeFalse();
    }
}
