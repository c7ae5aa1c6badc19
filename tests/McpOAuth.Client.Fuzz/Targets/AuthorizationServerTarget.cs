namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// RFC 8414 / OpenID Connect metadata through <c>HttpDiscoveryClient.GetAuthorizationServerMetadataAsync</c>, with the issuer
/// itself hostile (it comes from the protected resource metadata; <c>X-Fuzz-Issuer</c>). A document it returns has exactly
/// that issuer and only secure authorization, token, registration and revocation endpoints (AUTH-12, AUTH-14, DISC-01..09).
/// </summary>
internal sealed class AuthorizationServerTarget : BackchannelTarget
{
    private static readonly string[] Keys =
    [
        "issuer", "authorization_endpoint", "token_endpoint", "registration_endpoint", "revocation_endpoint",
        "device_authorization_endpoint", "scopes_supported", "response_types_supported", "grant_types_supported",
        "code_challenge_methods_supported", "token_endpoint_auth_methods_supported", "client_id_metadata_document_supported",
        "authorization_response_iss_parameter_supported", "jwks_uri",
    ];

    public override string Name => "authorization-server-metadata";

    public override string Description => "HttpDiscoveryClient.GetAuthorizationServerMetadataAsync: RFC 8414/OIDC parse + issuer and endpoint validation";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":"), "X-Fuzz-Issuer: ", "X-Fuzz-Legacy: 1", .. DiscoveryStrings.Urls];

    public override Gen<byte[]>? Structured => JsonGen.Object(Keys, DiscoveryStrings.Values);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        string issuer = envelope.Header("X-Fuzz-Issuer") ?? Wire.Issuer;
        bool allowHttp = envelope.Flag("X-Fuzz-Allow-Http");
        var discovery = new HttpDiscoveryClient(server.Backchannel, server.Time, ScriptedServer.Logger);

        AuthorizationServerDocument? document = Properties.Wait(discovery.GetAuthorizationServerMetadataAsync(new AuthorizationServerMetadataRequest
        {
            Issuer = issuer,
            Legacy = envelope.Flag("X-Fuzz-Legacy"),
            AllowHttpOnLoopback = allowHttp,
            BypassCache = true,
        }));

        if (document is null)
        {
            return;
        }

        Properties.That(string.Equals(document.Issuer, issuer, StringComparison.Ordinal), "a document with another issuer was accepted");
        Properties.That(Wire.IsSecureEndpoint(document.AuthorizationEndpoint, allowHttp), $"insecure authorization endpoint accepted: {Printer.Escape(document.AuthorizationEndpoint ?? "(null)")}");
        Properties.That(Wire.IsSecureEndpoint(document.TokenEndpoint, allowHttp), $"insecure token endpoint accepted: {Printer.Escape(document.TokenEndpoint ?? "(null)")}");
        Properties.That(document.RegistrationEndpoint is null || Wire.IsSecureEndpoint(document.RegistrationEndpoint, allowHttp), "insecure registration endpoint accepted");
        Properties.That(document.RevocationEndpoint is null || Wire.IsSecureEndpoint(document.RevocationEndpoint, allowHttp), "insecure revocation endpoint accepted");
        _ = UriPolicy.AuthorizationServerMetadataUris(new Uri(issuer));
    }
}
