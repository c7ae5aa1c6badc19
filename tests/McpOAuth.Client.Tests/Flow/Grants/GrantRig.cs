using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The collaborators of one grant flow over an in-memory network and a fake clock: no Kestrel, no sockets.</summary>
internal sealed class GrantRig : IDisposable
{
    public const string Issuer = "https://auth.example.com";
    public const string Resource = "https://mcp.example.com/mcp";
    public const string TokenUrl = "https://auth.example.com/token";
    public const string RegisterUrl = "https://auth.example.com/register";
    public const string DeviceUrl = "https://auth.example.com/device";

    public GrantRig(Action<McpOAuthOptions>? configure = null, Func<AuthorizationServerDocument, AuthorizationServerDocument>? server = null)
    {
        configure?.Invoke(Options);
        var document = new AuthorizationServerDocument
        {
            Issuer = Issuer,
            AuthorizationEndpoint = Issuer + "/authorize",
            TokenEndpoint = TokenUrl,
            RegistrationEndpoint = RegisterUrl,
            DeviceAuthorizationEndpoint = DeviceUrl,
            CodeChallengeMethodsSupported = ["S256"],
        };
        document = server?.Invoke(document) ?? document;
        Server = new ResolvedServer(Resource, new Uri(Resource), Issuer, document, Metadata: null, DefaultEndpoints: false, AllowHttp: false, Endpoint: Resource);
        Backchannel backchannel = TestBackchannel.Create(Network, Time);
        Tokens = new TokenEndpointClient(backchannel, Time, Logger);
        Registrar = new DefaultClientRegistrar(backchannel, Logger);
        Registrations = new ClientRegistrations(Options, Registrar, Store, Time, Logger);
        Completion = new GrantCompletion(Store, Logger);
        Session = new ServerSession(Resource, new Uri(Resource), TokenSet.DefaultPartition, static () => { });
    }

    public McpOAuthOptions Options { get; } = new();

    public FakeHttpMessageHandler Network { get; } = new();

    public ObservableTimeProvider Time { get; } = new();

    public CapturingLogger Logger { get; } = new();

    public InMemoryTokenStore Store { get; } = new();

    public ResolvedServer Server { get; }

    public TokenEndpointClient Tokens { get; }

    public DefaultClientRegistrar Registrar { get; }

    public ClientRegistrations Registrations { get; }

    public GrantCompletion Completion { get; }

    public ServerSession Session { get; }

    public IReadOnlyList<RecordedHttpRequest> TokenRequests => [.. Network.Requests.Where(r => r.Uri.AbsoluteUri == TokenUrl)];

    public GrantRequest Request(IReadOnlyList<string>? scopes = null, bool demandsDpop = false, bool reuseKnownClient = true) =>
        new(Session, Server, ScopeSelection.For(scopes, Options, Server), demandsDpop, reuseKnownClient);

    /// <summary>Registration answers with a public client.</summary>
    public GrantRig RegistersPublicClient(string clientId = "dyn-client")
    {
        Network.OnPost(RegisterUrl, FakeResponse.Json($"{{\"client_id\":\"{clientId}\",\"token_endpoint_auth_method\":\"none\"}}", System.Net.HttpStatusCode.Created));
        return this;
    }

    public static string TokenJson(string accessToken = "AT-1", string tokenType = "Bearer", string? refreshToken = "RT-1") =>
        $"{{\"access_token\":\"{accessToken}\",\"token_type\":\"{tokenType}\",\"expires_in\":3600{(refreshToken is null ? string.Empty : $",\"refresh_token\":\"{refreshToken}\"")}}}";

    public void Dispose() => Network.Dispose();
}
