using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The interactive authorization code flow with PKCE (AUTH-32..AUTH-38).</summary>
internal sealed partial class McpOAuthProvider
{
    private static readonly string[] ReservedAuthorizationParameters =
    [
        OAuthWireNames.ResponseType, OAuthWireNames.ClientId, OAuthWireNames.RedirectUri, OAuthWireNames.State,
        OAuthWireNames.CodeChallenge, OAuthWireNames.CodeChallengeMethod, OAuthWireNames.Resource, OAuthWireNames.Scope,
    ];

    private async Task<TokenSet> AuthorizeAsync(
        McpOAuthChallenge challenge,
        IReadOnlyList<string>? requestedScopes,
        bool bypassCache,
        CancellationToken cancellationToken)
    {
        try
        {
            return await AuthorizeCoreAsync(challenge, requestedScopes, bypassCache, reuseKnownClient: true, cancellationToken).ConfigureAwait(false);
        }
        catch (StaleRegistrationException)
        {
            // The server no longer knows a dynamically registered client: register again, once (REF-10).
            return await AuthorizeCoreAsync(challenge, requestedScopes, bypassCache, reuseKnownClient: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TokenSet> AuthorizeCoreAsync(
        McpOAuthChallenge challenge,
        IReadOnlyList<string>? requestedScopes,
        bool bypassCache,
        bool reuseKnownClient,
        CancellationToken cancellationToken)
    {
        Uri serverUri = challenge.RequestUri;
        bool allowHttp = AllowHttpFor(serverUri);

        _options.OnProgress?.Invoke(McpOAuthStage.Discovering);

        // Discovery: RFC 9728, then RFC 8414 / OIDC in the MCP order (AUTH-04..AUTH-12).
        ProtectedResourceDocument? resourceMetadata = await _discovery.GetProtectedResourceMetadataAsync(
            new ProtectedResourceMetadataRequest
            {
                ServerUri = serverUri,
                ResourceMetadataUri = challenge.ResourceMetadata,
                BypassCache = bypassCache,
                AllowHttpOnLoopback = allowHttp,
            },
            cancellationToken).ConfigureAwait(false);

        string resource;
        string issuer;
        AuthorizationServerDocument server;
        bool defaults = false;
        if (resourceMetadata is not null)
        {
            resource = resourceMetadata.Resource!;
            issuer = SelectIssuer(resourceMetadata.AuthorizationServers!);
            server = await _discovery.GetAuthorizationServerMetadataAsync(
                new AuthorizationServerMetadataRequest { Issuer = issuer, BypassCache = bypassCache, AllowHttpOnLoopback = allowHttp },
                cancellationToken).ConfigureAwait(false)
                ?? throw new McpOAuthException(
                    McpOAuthErrorCode.DiscoveryFailed,
                    $"The authorization server '{SafeText.Escape(issuer)}' publishes no RFC 8414 or OpenID Connect metadata.");
        }
        else
        {
            // AUTH-15: a 2025-03-26 server; its origin is the authorization server.
            if (!_options.AllowLegacyDiscovery)
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.DiscoveryFailed,
                    $"{UriPolicy.EndpointKey(serverUri)} publishes no protected resource metadata (RFC 9728).");
            }

            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            {
                _logger.ProtectedResourceMetadataNotFound(new Uri(UriPolicy.EndpointKey(serverUri)));
            }
            resource = UriPolicy.CanonicalResource(serverUri);
            issuer = UriPolicy.Origin(serverUri);
            AuthorizationServerDocument? legacy = await _discovery.GetAuthorizationServerMetadataAsync(
                new AuthorizationServerMetadataRequest { Issuer = issuer, Legacy = true, BypassCache = bypassCache, AllowHttpOnLoopback = allowHttp },
                cancellationToken).ConfigureAwait(false);
            if (legacy is null)
            {
                _logger.LegacyDefaultEndpoints(issuer);
                defaults = true;
                legacy = LegacyDefaults(issuer);
            }

            server = legacy;
        }

        McpOAuthGrantType grant = SelectGrant(server);
        if (!UriPolicy.TryParseAbsolute(resource, out Uri grantResourceUri))
        {
            grantResourceUri = serverUri;
        }

        if (grant != McpOAuthGrantType.AuthorizationCode)
        {
            IReadOnlyList<string> machineScopes = requestedScopes
                ?? (_options.Scopes.Count > 0 ? [.. _options.Scopes] : resourceMetadata?.ScopesSupported ?? []);
            ServerSession machineSession = GetOrAddSession(resource, grantResourceUri);
            bool demandsDpop = string.Equals(challenge.Scheme, OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase);
            return await MachineAuthorizeAsync(machineSession, grant, issuer, server, machineScopes, resource, allowHttp, demandsDpop, cancellationToken)
                .ConfigureAwait(false);
        }

        // AUTH-13, AUTH-33: PKCE S256 must be advertised unless the caller opted out for this server.
        if (!defaults && _options.RequirePkceMetadata
            && server.CodeChallengeMethodsSupported?.Contains(OAuthWireNames.S256, StringComparer.Ordinal) != true)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.PkceUnsupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not advertise PKCE with S256 (code_challenge_methods_supported); authorization was not started. Set RequirePkceMetadata to false only if you know it supports S256.");
        }

        IReadOnlyList<string> scopes = requestedScopes
            ?? (_options.Scopes.Count > 0 ? [.. _options.Scopes] : resourceMetadata?.ScopesSupported ?? []);
        List<string> scopeParameter = [.. scopes];
        if (_options.RequestOfflineAccess && scopeParameter.Count > 0
            && server.ScopesSupported?.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal) == true
            && !scopeParameter.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal))
        {
            scopeParameter.Add(OAuthWireNames.OfflineAccess); // AUTH-31: only when the AS lists it.
        }

        if (!_options.AllowInteractive)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ReauthenticationRequired,
                $"Signing in to {SafeText.Escape(resource)} requires a browser, and interactive sign-in is disabled.");
        }

        ServerSession session = GetOrAddSession(resource, grantResourceUri);
        _logger.AuthorizationStarted(issuer, resource);
        if (_options.UseDeviceAuthorization)
        {
            return await DeviceAuthorizeAsync(session, issuer, server, scopes, scopeParameter, resource, allowHttp, cancellationToken)
                .ConfigureAwait(false);
        }

        string state = NewState();
        PkcePair pkce = _pkce.Generate();
        // A dynamically registered client of this issuer is reused (from memory or the store), on the port it registered.
        ClientRegistration? known = reuseKnownClient ? KnownDynamicClient(session, issuer) : null;
        int port = _options.CallbackPort ?? session.LastRedirectPort ?? RegisteredPort(known) ?? 0;
        ICallbackListener listener = await _callbacks.ListenAsync(
            new CallbackListenRequest
            {
                State = state,
                ExpectedIssuer = issuer,
                IssuerParameterRequired = server.AuthorizationResponseIssParameterSupported == true,
                Port = port,
                AllowPortFallback = _options.CallbackPort is null,
                Path = _options.CallbackPath,
                Timeout = _options.AuthorizationTimeout,
            },
            cancellationToken).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            session.LastRedirectPort = listener.RedirectUri.Port;
            bool reuse = known is not null && known.RedirectUris.Contains(listener.RedirectUri.OriginalString, StringComparer.Ordinal);
            if (!reuse)
            {
                _options.OnProgress?.Invoke(McpOAuthStage.Registering);
            }

            ClientRegistration client = reuse
                ? known!
                : await _registrar.GetRegistrationAsync(
                new ClientRegistrationRequest
                {
                    Issuer = issuer,
                    AuthorizationServer = server,
                    RedirectUri = listener.RedirectUri,
                    Options = _options.Client,
                    AllowHttpOnLoopback = allowHttp,
                },
                cancellationToken).ConfigureAwait(false);
            if (!string.Equals(client.Issuer, issuer, StringComparison.Ordinal))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.ClientRegistrationRequired,
                    "The client registration belongs to another authorization server; it was not used (AUTH-24).");
            }

            string? resourceParameter = _options.SendResourceParameter ? resource : null;
            Uri authorizationUri = BuildAuthorizationUri(server.AuthorizationEndpoint!, client, listener.RedirectUri, state, pkce, scopeParameter, resourceParameter);
            _options.OnProgress?.Invoke(McpOAuthStage.WaitingForBrowser);
            var launch = new BrowserLaunchContext
            {
                AuthorizationUri = authorizationUri,
                RedirectUri = listener.RedirectUri,
                Complete = listener.TryComplete,
            };
            Func<BrowserLaunchContext, CancellationToken, ValueTask> launcher = _options.LaunchBrowser ?? SystemBrowserLauncher.LaunchAsync;
            await RunHookAsync(ct => launcher(launch, ct), _options.AuthorizationTimeout, cancellationToken).ConfigureAwait(false);

            CallbackResult result = await listener.WaitAsync(cancellationToken).ConfigureAwait(false);
            _options.OnProgress?.Invoke(McpOAuthStage.ExchangingCode);

            // RFC 9449: a DPoP-bound token when asked for, or when the server's challenge demands one.
            DpopSession? dpop = _options.UseDpop || string.Equals(challenge.Scheme, OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase)
                ? session.Dpop ?? DpopSession.Create(_time) // one key per credential, kept across sign-ins
                : null;
            var tokenRequest = new TokenRequestContext(
                new Uri(server.TokenEndpoint!), new ClientAuthentication(client, _options.Client.ClientAssertionKey), resourceParameter, resource, scopes, dpop);
            TokenSet tokens;
            try
            {
                tokens = await _tokens.ExchangeCodeAsync(tokenRequest, result.Code, pkce.Verifier, listener.RedirectUri, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.InvalidClient)
            {
                await _registrar.ForgetAsync(client, cancellationToken).ConfigureAwait(false);
                session.Context = null;
                if (client.Kind == ClientRegistrationKind.Dynamic && reuseKnownClient)
                {
                    throw new StaleRegistrationException(ex);
                }

                throw;
            }

            if (session.Tokens is { } previous && previous.Key != tokens.Key)
            {
                await _store.RemoveAsync(previous.Key, cancellationToken).ConfigureAwait(false);
            }

            session.Context = new AuthorizationContext(issuer, server, client, resourceParameter);
            session.RequestedScopes = scopes;
            await SaveAsync(session, tokens, cancellationToken).ConfigureAwait(false);
            session.SetDpop(tokens.DpopKey is not null ? dpop : null);

            _logger.AuthorizationCompleted(issuer);
            return tokens;
        }
    }

    /// <summary>Runs an application hook bounded by a timeout: a hook that never returns must not hold the gate forever.</summary>
    private async Task RunHookAsync(Func<CancellationToken, ValueTask> hook, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        await hook(linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
    }

    private static ClientRegistration? KnownDynamicClient(ServerSession session, string issuer)
    {
        ClientRegistration? known = session.Context?.Client ?? session.Tokens?.Registration;
        return known is { Kind: ClientRegistrationKind.Dynamic } && string.Equals(known.Issuer, issuer, StringComparison.Ordinal)
            ? known
            : null;
    }

    private static int? RegisteredPort(ClientRegistration? registration) =>
        registration is { RedirectUris.Count: > 0 } && Uri.TryCreate(registration.RedirectUris[0], UriKind.Absolute, out Uri? uri) && uri.IsLoopback
            ? uri.Port
            : null;

    /// <summary>Marks an <c>invalid_client</c> from a reused dynamic registration, which one fresh registration may fix.</summary>
    private sealed class StaleRegistrationException(McpOAuthException inner)
        : McpOAuthException(McpOAuthErrorCode.InvalidClient, inner.Message, inner);

    /// <summary>The grant to use: the configured one (checked against <c>grant_types_supported</c>), or the automatic choice.</summary>
    private McpOAuthGrantType SelectGrant(AuthorizationServerDocument server)
    {
        IReadOnlyList<string>? supported = server.GrantTypesSupported;
        bool Supports(string grant) => supported is null || supported.Count == 0 || supported.Contains(grant, StringComparer.Ordinal);

        McpOAuthGrantType grant = _options.GrantType;
        if (grant == McpOAuthGrantType.Automatic)
        {
            // A secret or key goes to a server chosen from metadata only when the client is bound to that issuer: a hostile
            // MCP server must not be able to name an authorization server and collect it (T10, AUTH-24).
            bool hasClientCredentials = !string.IsNullOrEmpty(_options.Client.ClientId)
                && (_options.Client.ClientSecret is not null || _options.Client.ClientAssertionKey is not null)
                && string.Equals(_options.Client.Issuer, server.Issuer, StringComparison.Ordinal);
            grant = _options.EnterpriseManaged.IdTokenProvider is not null && Supports(OAuthWireNames.JwtBearerGrant)
                ? McpOAuthGrantType.EnterpriseManaged
                : _options.AssertionProvider is not null && Supports(OAuthWireNames.JwtBearerGrant)
                    ? McpOAuthGrantType.JwtBearer
                    : !Supports(OAuthWireNames.AuthorizationCodeGrant) && Supports(OAuthWireNames.ClientCredentialsGrant) && hasClientCredentials
                        ? McpOAuthGrantType.ClientCredentials
                        : McpOAuthGrantType.AuthorizationCode;
            return grant;
        }

        string wireName = grant switch
        {
            McpOAuthGrantType.ClientCredentials => OAuthWireNames.ClientCredentialsGrant,
            McpOAuthGrantType.JwtBearer or McpOAuthGrantType.EnterpriseManaged => OAuthWireNames.JwtBearerGrant,
            _ => OAuthWireNames.AuthorizationCodeGrant,
        };
        if (!Supports(wireName))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.GrantNotSupported,
                $"The authorization server does not list the {wireName} grant in grant_types_supported.");
        }

        return grant;
    }

    private string SelectIssuer(IReadOnlyList<string> authorizationServers)
    {
        IReadOnlyList<string> candidates = authorizationServers.Count > McpOAuthDefaults.MaxAuthorizationServers
            ? [.. authorizationServers.Take(McpOAuthDefaults.MaxAuthorizationServers)]
            : authorizationServers;
        if (_options.SelectAuthorizationServer is { } select)
        {
            string? chosen = select(candidates);
            if (chosen is null || !candidates.Contains(chosen, StringComparer.Ordinal))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.DiscoveryFailed,
                    "The authorization server selector chose none of the servers the protected resource lists.");
            }

            return chosen;
        }

        foreach (string candidate in candidates)
        {
            if (UriPolicy.TryParseAbsolute(candidate, out _))
            {
                return candidate;
            }
        }

        throw new McpOAuthException(McpOAuthErrorCode.DiscoveryFailed, "The protected resource lists no usable authorization server.");
    }

    /// <summary>The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2); an existing query is kept.</summary>
    internal static Uri BuildAuthorizationUri(
        string endpoint,
        ClientRegistration client,
        Uri redirectUri,
        string state,
        PkcePair pkce,
        IReadOnlyList<string> scopes,
        string? resource)
    {
        var builder = new StringBuilder(endpoint);
        int queryStart = endpoint.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            // AUTHZ-03: an endpoint may carry its own parameters, but never ours.
            foreach (string pair in endpoint[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string name = Uri.UnescapeDataString(pair.Split('=')[0]);
                if (ReservedAuthorizationParameters.Contains(name, StringComparer.Ordinal))
                {
                    throw new McpOAuthException(
                        McpOAuthErrorCode.InsecureEndpoint,
                        $"The authorization endpoint already carries the '{SafeText.Escape(name)}' parameter; it was refused.");
                }
            }
        }

        char separator = queryStart >= 0 ? (endpoint.EndsWith('?') || endpoint.EndsWith('&') ? '\0' : '&') : '?';
        void Add(string name, string value)
        {
            if (separator != '\0')
            {
                builder.Append(separator);
            }

            separator = '&';
            builder.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add(OAuthWireNames.ResponseType, "code");
        Add(OAuthWireNames.ClientId, client.ClientId);
        Add(OAuthWireNames.RedirectUri, redirectUri.OriginalString);
        Add(OAuthWireNames.State, state);
        Add(OAuthWireNames.CodeChallenge, pkce.Challenge);
        Add(OAuthWireNames.CodeChallengeMethod, OAuthWireNames.S256);
        if (scopes.Count > 0)
        {
            Add(OAuthWireNames.Scope, string.Join(' ', scopes));
        }

        if (resource is not null)
        {
            Add(OAuthWireNames.Resource, resource);
        }

        return new Uri(builder.ToString());
    }
}
