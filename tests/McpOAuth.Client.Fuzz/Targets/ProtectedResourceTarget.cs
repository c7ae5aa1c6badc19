namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// RFC 9728 protected resource metadata through <c>HttpDiscoveryClient.GetProtectedResourceMetadataAsync</c>: the challenge's
/// <c>resource_metadata</c> (read from the input's <c>WWW-Authenticate</c> header by the real parser) or the well-known URLs,
/// then parse and validation. A document it returns names a resource that identifies the MCP server and at least one
/// authorization server (AUTH-07, PRM-01, PRM-02).
/// </summary>
internal sealed class ProtectedResourceTarget : BackchannelTarget
{
    private static readonly string[] Keys =
        ["resource", "authorization_servers", "scopes_supported", "bearer_methods_supported", "resource_name", "jwks_uri"];

    public override string Name => "protected-resource-metadata";

    public override string Description => "HttpDiscoveryClient.GetProtectedResourceMetadataAsync: RFC 9728 parse + resource/issuer validation";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":"), "WWW-Authenticate: Bearer resource_metadata=", .. DiscoveryStrings.Urls];

    public override Gen<byte[]>? Structured => JsonGen.Object(Keys, DiscoveryStrings.Values);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        Uri serverUri = Wire.Server(envelope);
        bool allowHttp = serverUri.IsLoopback || envelope.Flag("X-Fuzz-Allow-Http");
        string? fromChallenge = WwwAuthenticateParser.Parse(envelope.All("WWW-Authenticate"))
            .Find(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))?.Get("resource_metadata");
        var discovery = new HttpDiscoveryClient(server.Backchannel, server.Time, ScriptedServer.Logger);

        ProtectedResourceDocument? document = Properties.Wait(discovery.GetProtectedResourceMetadataAsync(new ProtectedResourceMetadataRequest
        {
            ServerUri = serverUri,
            ResourceMetadataUri = fromChallenge ?? envelope.Header("X-Fuzz-Resource-Metadata"),
            AllowHttpOnLoopback = allowHttp,
            BypassCache = true,
        }));

        if (document is not null)
        {
            Properties.That(IdentifiesServer(document.Resource, serverUri), $"the resource '{Printer.Escape(document.Resource ?? "(null)")}' was accepted for {serverUri}");
            Properties.That(document.AuthorizationServers is { Count: > 0 }, "a document without authorization servers was accepted");
        }
    }

    /// <summary>An independent reading of AUTH-07: same scheme, host and port; the path equal or a segment prefix. Hosts are
    /// compared in their IDNA (UTS 46) ASCII form, as the library does: the million-input run found that an invisible U+FEFF
    /// inside a host maps away, so "mcp.example.co\ufeffm" is the same host as "mcp.example.com" (the server vouches for
    /// itself; the resource string is still sent byte for byte).</summary>
    private static bool IdentifiesServer(string? resource, Uri server)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out Uri? uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0
            || !uri.Scheme.Equals(server.Scheme, StringComparison.OrdinalIgnoreCase)
            || !Ascii(uri.Host).Equals(Ascii(server.Host), StringComparison.OrdinalIgnoreCase) || uri.Port != server.Port)
        {
            return false;
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        return path.Length == 0 || server.AbsolutePath.TrimEnd('/') == path || server.AbsolutePath.StartsWith(path + "/", StringComparison.Ordinal);
    }

    private static string Ascii(string host)
    {
        try
        {
            return new System.Globalization.IdnMapping().GetAscii(host);
        }
        catch (ArgumentException)
        {
            return "\0invalid:" + host;
        }
    }
}
