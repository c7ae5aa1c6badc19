namespace McpOAuth.Client.Tests.Discovery;

/// <summary>Regressions for what the fuzzer (tests/McpOAuth.Client.Fuzz, issue 10) found in discovery.</summary>
public sealed partial class HttpDiscoveryClientTests
{
    [Fact]
    public async Task GetProtectedResourceMetadataAsync_ResourceHostIsNoValidIdn_ResourceMismatchNotUriFormatException()
    {
        // PRM-01, T17: Uri.IdnHost threw UriFormatException for this 'resource', out of discovery and untyped.
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm("https://example.com\ufffd/public/mcp", Issuer)));

        (await FailsAsync(() => GetPrmAsync(Server))).Code.Should().Be(McpOAuthErrorCode.ResourceMismatch);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_IssuerWhoseOriginDoesNotParseAgain_InsecureEndpointNotUriFormatException()
    {
        // DISC-08, T17: the issuer comes from protected resource metadata; building its well-known URL threw UriFormatException.
        Func<Task> act = () => _discovery.GetAuthorizationServerMetadataAsync(new AuthorizationServerMetadataRequest { Issuer = "https://\u202e" });

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }
}
