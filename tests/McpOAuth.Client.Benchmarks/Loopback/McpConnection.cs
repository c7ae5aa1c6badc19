using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>Which OAuth client an MCP connection uses.</summary>
public enum OAuthClientKind
{
    /// <summary>The official SDK's built-in OAuth (<see cref="HttpClientTransportOptions.OAuth"/>), its callback handler
    /// taking the code straight from the authorization server's redirect.</summary>
    Sdk,

    /// <summary>The SDK's built-in OAuth with the redirect received on a loopback <see cref="System.Net.HttpListener"/>,
    /// as the SDK's sample does, and as McpOAuth.Client does.</summary>
    SdkWithListener,

    /// <summary>McpOAuth.Client's <see cref="McpOAuthHandler"/> in the transport's <see cref="HttpClient"/>.</summary>
    McpOAuthClient,
}

/// <summary>An official SDK <see cref="McpClient"/> connected with one of the two OAuth clients, built the same way for both:
/// the same transport options and a fresh <see cref="SocketsHttpHandler"/> with default settings.</summary>
public sealed class McpConnection : IAsyncDisposable
{
    private static readonly Dictionary<string, object?> EchoArguments = new(StringComparer.Ordinal) { ["text"] = "hello" };

    private readonly IMcpOAuthProvider? _provider;
    private readonly SocketsHttpHandler? _backchannel;

    private McpConnection(McpClient client, IMcpOAuthProvider? provider, SocketsHttpHandler? backchannel)
    {
        Client = client;
        _provider = provider;
        _backchannel = backchannel;
    }

    public McpClient Client { get; }

    public static Task<McpConnection> ConnectAsync(
        OAuthClientKind kind, Uri endpoint, BrowserStandIn browser, CancellationToken cancellationToken = default) => kind switch
        {
            OAuthClientKind.Sdk => ConnectSdkAsync(endpoint, browser, listener: false, cancellationToken),
            OAuthClientKind.SdkWithListener => ConnectSdkAsync(endpoint, browser, listener: true, cancellationToken),
            _ => ConnectOursAsync(endpoint, browser, store: null, configure: null, cancellationToken),
        };

    public static async Task<McpConnection> ConnectOursAsync(
        Uri endpoint,
        BrowserStandIn? browser,
        ITokenStore? store,
        Action<McpOAuthOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var options = new McpOAuthOptions { ServerUri = endpoint, AllowInteractive = browser is not null };
        if (browser is not null)
        {
            options.LaunchBrowser = browser.LaunchAsync;
        }

        configure?.Invoke(options);

        // A new backchannel pool per connection, as the SDK's OAuth uses the transport's own (new) HttpClient.
        var backchannel = new SocketsHttpHandler { AllowAutoRedirect = false };
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store ?? new InMemoryTokenStore(), backchannel);
        var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });
        var transport = new HttpClientTransport(TransportOptions(endpoint), http, NullLoggerFactory.Instance, ownsHttpClient: true);
        try
        {
            McpClient client = await McpClient.CreateAsync(transport, null, NullLoggerFactory.Instance, cancellationToken);
            return new McpConnection(client, provider, backchannel);
        }
        catch
        {
            await transport.DisposeAsync();
            (provider as IDisposable)?.Dispose();
            backchannel.Dispose();
            throw;
        }
    }

    public static async Task<McpConnection> ConnectSdkAsync(
        Uri endpoint, BrowserStandIn browser, bool listener = false, CancellationToken cancellationToken = default)
    {
        HttpClientTransportOptions options = TransportOptions(endpoint);
        options.OAuth = new ClientOAuthOptions
        {
            // Without a listener the redirect URI is never contacted: the handler takes the code from the redirect itself.
            RedirectUri = new Uri(listener ? $"http://127.0.0.1:{BrowserStandIn.FreeLoopbackPort()}/callback" : "http://127.0.0.1:1/callback"),
            AuthorizationCallbackHandler = listener ? browser.CompleteForSdkViaListenerAsync : browser.CompleteForSdkAsync,
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "McpOAuth.Client.Benchmarks (SDK)" },
        };
        return await ConnectPlainAsync(options, cancellationToken);
    }

    /// <summary>The no-auth floor: the same client and transport against the server's open endpoint, with no OAuth at all.</summary>
    public static Task<McpConnection> ConnectWithoutAuthAsync(Uri openEndpoint, CancellationToken cancellationToken = default) =>
        ConnectPlainAsync(TransportOptions(openEndpoint), cancellationToken);

    /// <summary>A client over a new <see cref="SocketsHttpHandler"/> with no handler of ours; the SDK's OAuth, if any, is in
    /// <paramref name="options"/>.</summary>
    private static async Task<McpConnection> ConnectPlainAsync(HttpClientTransportOptions options, CancellationToken cancellationToken)
    {
        var http = new HttpClient(new SocketsHttpHandler());
        var transport = new HttpClientTransport(options, http, NullLoggerFactory.Instance, ownsHttpClient: true);
        try
        {
            McpClient client = await McpClient.CreateAsync(transport, null, NullLoggerFactory.Instance, cancellationToken);
            return new McpConnection(client, null, null);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }
    }

    /// <summary>One <c>tools/call</c> of the server's <c>echo</c> tool; throws unless it echoes.</summary>
    public async Task CallEchoAsync(CancellationToken cancellationToken = default)
    {
        CallToolResult result = await Client.CallToolAsync("echo", EchoArguments, cancellationToken: cancellationToken);
        if (result.IsError == true || result.Content.Count != 1 || result.Content[0] is not TextContentBlock { Text: "hello" })
        {
            throw new InvalidOperationException("The echo tool did not echo.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        (_provider as IDisposable)?.Dispose();
        _backchannel?.Dispose();
    }

    private static HttpClientTransportOptions TransportOptions(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        TransportMode = HttpTransportMode.StreamableHttp,
        EnableStandaloneGetStream = false,
    };
}
