namespace McpOAuth.Client.Tests.Discovery;

/// <summary>Regressions for what the fuzzer (tests/McpOAuth.Client.Fuzz, issue 10) found in discovery.</summary>
public sealed partial class HttpDiscoveryClientTests
{
    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_IssuerWhoseOriginDoesNotParseAgain_InsecureEndpointNotUriFormatException()
    {
        // DISC-08, T17: the issuer comes from protected resource metadata; building its well-known URL threw UriFormatException.
        (await FailsAsync(() => GetAsmAsync("https://\u202e"))).Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }
}
