using System.Text;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// The URL and text helpers every parser above leans on, over any text: <c>UriPolicy</c> (parse, endpoint policy, resource
/// match, well-known URLs) and <c>SafeText.Escape</c>. They never throw (the endpoint check throws only its typed
/// <c>InsecureEndpoint</c>), what they accept is http(s) without whitespace, and escaped text has no control characters.
/// </summary>
internal sealed class UriPolicyTarget : FuzzTarget
{
    public override string Name => "uri-policy";

    public override string Description => "UriPolicy.TryParseAbsolute / RequireSecureEndpoint / ResourceIdentifiesServer / metadata URLs; SafeText.Escape";

    public override IReadOnlyList<string> Dictionary => DiscoveryStrings.Urls;

    public override Gen<byte[]>? Structured => Gen.Select(Gen.OneOf(DiscoveryStrings.Urls), Gen.String[0, 12], Gen.Bool)
        .Select(p => Encoding.UTF8.GetBytes(p.Item3 ? p.Item1 + p.Item2 : p.Item2 + p.Item1));

    public override void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        string escaped = SafeText.Escape(text);
        Properties.NoControlCharacters(escaped, "SafeText.Escape's output");
        Properties.That(escaped.Length <= 257, $"SafeText.Escape returned {escaped.Length} characters");

        if (UriPolicy.TryParseAbsolute(text, out Uri uri))
        {
            Properties.That(uri.Scheme is "http" or "https", $"scheme {uri.Scheme} accepted");
            Properties.That(!text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)), "whitespace or a control character accepted");
            _ = UriPolicy.Origin(uri);
            _ = UriPolicy.CanonicalResource(uri);
            _ = UriPolicy.EndpointKey(uri);
            _ = UriPolicy.ProtectedResourceMetadataUris(uri);
            _ = UriPolicy.AuthorizationServerMetadataUris(uri);
            _ = UriPolicy.ResourceIdentifiesServer(uri, Wire.Servers[0]);
        }

        foreach (Uri server in Wire.Servers)
        {
            _ = UriPolicy.ResourceIdentifiesServer(text, server);
        }

        McpOAuthException? refused = Properties.Typed(
            () =>
            {
                Uri endpoint = UriPolicy.RequireSecureEndpoint(text, allowHttpLoopback: true, "token endpoint");
                Properties.That(Wire.IsSecureEndpoint(endpoint.OriginalString, allowHttpLoopback: true), $"insecure endpoint accepted: {Printer.Escape(text)}");
            },
            []);
        Properties.That(refused is null || refused.Code == McpOAuthErrorCode.InsecureEndpoint, $"refused with {refused?.Code}");
    }
}
