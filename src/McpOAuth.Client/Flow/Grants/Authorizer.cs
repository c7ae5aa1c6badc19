using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Starts a sign-in for a challenged URL: discovers the servers, picks the grant, and runs it (a machine grant, the device grant,
/// or the code flow), registering once more when a reused dynamic client turns out to be forgotten (REF-10).
/// </summary>
internal sealed class Authorizer(
    McpOAuthOptions options,
    ServerResolver servers,
    SessionIndex sessions,
    AuthorizationCodeFlow codeFlow,
    WebSignInFlow webFlow,
    DeviceCodeFlow deviceFlow,
    MachineGrantFlow machineFlow,
    ILogger logger)
{
    /// <summary>Signs in for a challenge.</summary>
    /// <param name="challenge">The challenge: URL, <c>resource_metadata</c> and scheme.</param>
    /// <param name="requestedScopes">The scopes to ask for, or null for the configured or advertised ones.</param>
    /// <param name="bypassCache">Whether cached metadata must be fetched again (a rejected token may mean the server moved).</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    public async Task<TokenSet> AuthorizeAsync(McpOAuthChallenge challenge, IReadOnlyList<string>? requestedScopes, bool bypassCache, CancellationToken cancellationToken)
    {
        options.OnProgress?.Invoke(McpOAuthStage.Discovering);
        ResolvedServer server = await servers.ResolveAsync(challenge.RequestUri, challenge.ResourceMetadata, bypassCache, cancellationToken)
            .ConfigureAwait(false);
        McpOAuthGrantType grant = GrantSelector.Select(options, server.Server);
        var request = new GrantRequest(
            sessions.GetOrAdd(server.Resource, server.ResourceUri),
            server,
            ScopeSelection.For(requestedScopes, options, server),
            DemandsDpop: string.Equals(challenge.Scheme, OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase),
            ReuseKnownClient: true);

        if (grant != McpOAuthGrantType.AuthorizationCode)
        {
            return await machineFlow.RunAsync(request, grant, cancellationToken).ConfigureAwait(false);
        }

        if (!options.AllowInteractive)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ReauthenticationRequired,
                $"Signing in to {SafeText.Escape(server.Resource)} requires a browser, and interactive sign-in is disabled.");
        }

        logger.AuthorizationStarted(server.Issuer, server.Resource);
        try
        {
            return await RunInteractiveAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (StaleRegistrationException)
        {
            return await RunInteractiveAsync(request with { ReuseKnownClient = false }, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<TokenSet> RunInteractiveAsync(GrantRequest request, CancellationToken cancellationToken) =>
        options.Hosted.RedirectUri is not null
            ? webFlow.StartAsync(request, cancellationToken)
            : options.UseDeviceAuthorization
                ? deviceFlow.RunAsync(request, cancellationToken)
                : codeFlow.RunAsync(request, cancellationToken);
}
