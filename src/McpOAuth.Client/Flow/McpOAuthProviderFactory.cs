using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client;

/// <summary>Builds an <see cref="IMcpOAuthProvider"/> without dependency injection.</summary>
/// <example>
/// <code>
/// var provider = McpOAuthProviderFactory.Create(new McpOAuthOptions { ServerUri = new Uri("https://mcp.example.com/mcp") });
/// using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });
/// </code>
/// </example>
public static class McpOAuthProviderFactory
{
    /// <summary>Creates a provider with the default services, validating the options as <c>AddMcpOAuth()</c> does.</summary>
    /// <param name="options">The options; they are validated and must not be changed afterwards.</param>
    /// <param name="tokenStore">Where tokens are kept; an <see cref="InMemoryTokenStore"/> when <see langword="null"/>.</param>
    /// <param name="backchannelHandler">The handler for calls to authorization servers; a <see cref="SocketsHttpHandler"/> that
    /// follows no redirects (shared by every provider) when <see langword="null"/>. It must not be (or contain) a
    /// <see cref="McpOAuthHandler"/>; the caller keeps ownership and disposes it.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where logs go; nowhere when <see langword="null"/>.</param>
    /// <param name="pendingStore">Where hosted sign-ins wait for their callback (<see cref="HostedSignInOptions"/>); in memory when
    /// <see langword="null"/>.</param>
    /// <returns>A thread-safe provider to pass to <see cref="McpOAuthHandler"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static IMcpOAuthProvider Create(
        McpOAuthOptions options,
        ITokenStore? tokenStore = null,
        HttpMessageHandler? backchannelHandler = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IPendingAuthorizationStore? pendingStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(McpOAuthOptions), result.Failures);
        }

        TimeProvider time = timeProvider ?? TimeProvider.System;
        ILoggerFactory logs = loggerFactory ?? NullLoggerFactory.Instance;
        Backchannel backchannel = BackchannelFactory.Create(backchannelHandler, ConnectPolicy.For(options.Network), time, options.HttpTimeout);
        return Create(
            options,
            new HttpDiscoveryClient(backchannel, time, logs.CreateLogger("McpOAuth.Client.Discovery")),
            new DefaultClientRegistrar(backchannel, logs.CreateLogger("McpOAuth.Client.Registration")),
            new S256PkceGenerator(),
            new LoopbackCallbackReceiver(time, logs.CreateLogger<LoopbackCallbackReceiver>()),
            tokenStore ?? new InMemoryTokenStore(),
            pendingStore ?? new InMemoryPendingAuthorizationStore(time),
            backchannel,
            time,
            logs,
            Telemetry.For(factory: null));
    }

    /// <summary>Composes the provider from the seams: the one place its collaborators are built and wired. The seams the
    /// application supplied are wrapped for telemetry (spans and store errors), never replaced.</summary>
    internal static McpOAuthProvider Create(
        McpOAuthOptions options,
        IDiscoveryClient discovery,
        IClientRegistrar registrar,
        IPkceGenerator pkce,
        ICallbackReceiver callbacks,
        ITokenStore store,
        IPendingAuthorizationStore pendingStore,
        Backchannel backchannel,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        Telemetry telemetry)
    {
        ILogger logger = loggerFactory.CreateLogger("McpOAuth.Client");
        discovery = new InstrumentedDiscoveryClient(discovery);
        registrar = new InstrumentedClientRegistrar(registrar);
        store = new InstrumentedTokenStore(store, telemetry);
        var tokens = new TokenEndpointClient(backchannel, time, loggerFactory.CreateLogger("McpOAuth.Client.Tokens"), telemetry);
        var sessions = new SessionIndex(options.ShareCredentialAcrossResource);
        var loader = new StoreLoader(options, store, sessions, time);
        var gates = new OriginGates();
        var failures = new SignInFailures(time);
        var servers = new ServerResolver(options, discovery, logger);
        var registrations = new ClientRegistrations(options, registrar, store, time, logger);
        var completion = new GrantCompletion(store, logger);
        var contexts = new StoredContextResolver(options, servers, registrar, time, logger);
        var renewer = new TokenRenewer(options, store, contexts, registrations, tokens, completion, time, logger);
        var webSignIn = new WebSignInFlow(options, pkce, pendingStore, registrations, servers, sessions, tokens, completion, time);
        var authorizer = new Authorizer(
            options,
            servers,
            sessions,
            new AuthorizationCodeFlow(options, pkce, callbacks, registrations, tokens, completion, time, logger),
            webSignIn,
            new DeviceCodeFlow(options, registrations, tokens, completion, time),
            new MachineGrantFlow(options, registrations, tokens, completion, time, logger),
            logger);
        return new McpOAuthProvider(
            options,
            store,
            sessions,
            loader,
            gates,
            new ChallengeAnswerer(sessions, loader, servers, renewer, authorizer, completion, failures, telemetry, time, logger),
            new ExplicitSignIn(options, backchannel, sessions, loader, gates, authorizer, failures, telemetry, time),
            webSignIn,
            renewer,
            completion,
            new SignOut(store, sessions, gates, contexts, registrations, tokens),
            telemetry,
            time,
            logger);
    }
}
