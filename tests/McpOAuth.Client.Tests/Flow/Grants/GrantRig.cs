using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The collaborators of one grant flow over an in-memory network and a fake clock: no Kestrel, no sockets.</summary>
internal sealed class GrantRig : BackchannelRig
{
    public const string RegisterUrl = Issuer + "/register";
    public const string DeviceUrl = Issuer + "/device";

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
        Registrar = new DefaultClientRegistrar(Backchannel, Logger);
        Registrations = new ClientRegistrations(Options, Registrar, Store, Time, Logger);
        Completion = new GrantCompletion(Store, Logger);
        Session = new ServerSession(Resource, new Uri(Resource), TokenSet.DefaultPartition, static () => { });
    }

    public McpOAuthOptions Options { get; } = new();

    public InMemoryTokenStore Store { get; } = new();

    public ResolvedServer Server { get; }

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
        TokenResponses.TokenJson(accessToken, tokenType, refreshToken: refreshToken);
}
