namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// RFC 7591 registration responses through <c>DefaultClientRegistrar.GetRegistrationAsync</c> (no configured client, so it
/// registers). A registration it returns has a client id, a supported auth method with a secret exactly when the method needs
/// one, our issuer and our redirect URI (REG-01..REG-05).
/// </summary>
internal sealed class RegistrationResponseTarget : BackchannelTarget
{
    private static readonly string[] Keys =
    [
        "client_id", "client_secret", "client_secret_expires_at", "client_id_issued_at", "token_endpoint_auth_method",
        "redirect_uris", "grant_types", "registration_access_token", "error", "error_description",
    ];

    private static readonly string[][] AuthMethods =
        [[], ["none"], ["client_secret_basic"], ["client_secret_post"], ["private_key_jwt"], ["client_secret_post", "client_secret_basic"]];

    public override string Name => "registration-response";

    public override string Description => "DefaultClientRegistrar.GetRegistrationAsync: RFC 7591 §3.2 response and errors";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":"), "HTTP 400\n\n", "X-Fuzz-Methods: 2\n", "X-Fuzz-Device: 1\n"];

    public override Gen<byte[]>? Structured => JsonGen.Object(Keys, TokenStrings.Values);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        bool device = envelope.Flag("X-Fuzz-Device");
        string[] methods = AuthMethods[(envelope.Header("X-Fuzz-Methods")?.Sum(c => c) ?? 0) % AuthMethods.Length];
        var registrar = new DefaultClientRegistrar(server.Backchannel, ScriptedServer.Logger);

        ClientRegistration registration = Properties.Wait(registrar.GetRegistrationAsync(new ClientRegistrationRequest
        {
            Issuer = Wire.Issuer,
            AuthorizationServer = new AuthorizationServerDocument
            {
                Issuer = Wire.Issuer,
                RegistrationEndpoint = "https://auth.example.com/register",
                TokenEndpointAuthMethodsSupported = methods.Length == 0 ? null : methods,
            },
            RedirectUri = device ? null : Wire.RedirectUri,
            DeviceAuthorization = device,
            Options = new ClientRegistrationOptions(),
        }));

        Properties.That(!string.IsNullOrEmpty(registration.ClientId), "no client id");
        Properties.That(registration.Kind == ClientRegistrationKind.Dynamic, "not a dynamic registration");
        Properties.That(registration.Issuer == Wire.Issuer, "registration bound to another issuer");
        Properties.That(
            registration.TokenEndpointAuthMethod switch
            {
                OAuthWireNames.AuthMethodNone => registration.ClientSecret is null,
                OAuthWireNames.AuthMethodClientSecretBasic or OAuthWireNames.AuthMethodClientSecretPost => !string.IsNullOrEmpty(registration.ClientSecret),
                _ => false,
            },
            $"auth method '{Printer.Escape(registration.TokenEndpointAuthMethod)}' with{(registration.ClientSecret is null ? "out" : string.Empty)} a secret");
        Properties.That(device || registration.RedirectUris.SequenceEqual([Wire.RedirectUri.OriginalString]), "redirect URI replaced");
    }
}
