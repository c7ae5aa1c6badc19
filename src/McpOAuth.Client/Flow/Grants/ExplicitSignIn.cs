namespace McpOAuth.Client.Internal;

/// <summary>
/// A sign-in the application asks for (<c>mcp-oauth login</c>) rather than one a request triggers: the server's own challenge,
/// drawn by an unauthenticated probe, drives discovery as it would on a real request (AUTH-03, AUTH-04), and a login that
/// could not be stored is reported, because a later run is what it is for.
/// </summary>
internal sealed class ExplicitSignIn(
    McpOAuthOptions options,
    Backchannel backchannel,
    SessionIndex sessions,
    StoreLoader loader,
    OriginGates gates,
    Authorizer authorizer,
    SignInFailures failures,
    Telemetry telemetry,
    TimeProvider time)
{
    public async Task<TokenSet> RunAsync(Uri serverUri, IReadOnlyList<string>? scopes, CancellationToken cancellationToken)
    {
        options.EnsureServes(serverUri);
        if (!UriPolicy.IsSecure(serverUri, allowHttpLoopback: true))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InsecureEndpoint, "The MCP server URL must be https (or http to a loopback host).");
        }

        BackchannelResponse probe = await backchannel.ProbeAsync(serverUri, cancellationToken).ConfigureAwait(false);
        McpOAuthChallenge challenge = ChallengeReader.FromProbe(serverUri, probe);
        IReadOnlyList<string>? requested = challenge.Scopes.Count > 0 || scopes is { Count: > 0 }
            ? ScopeSelection.Union(challenge.Scopes, scopes ?? [])
            : null;
        TokenSet tokens = await gates.RunOwnedAsync(
            serverUri,
            async ct =>
            {
                await loader.EnsureLoadedAsync(ct).ConfigureAwait(false);
                // The application asking again: runs even during a denial's cooldown, and forgets the failure when it succeeds.
                return await failures.RunAsync(serverUri, arrival: null, () => Telemetry.MeasureAsync(
                    McpOAuthTelemetry.AuthorizeActivity,
                    telemetry.AuthorizationDuration,
                    serverUri,
                    time,
                    () => authorizer.AuthorizeAsync(challenge, requested, bypassCache: true, ct))).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        if (sessions.All.FirstOrDefault(s => ReferenceEquals(s.Tokens, tokens))?.Unsaved is { } unsaved && ReferenceEquals(unsaved.Tokens, tokens))
        {
            throw new McpOAuthException(McpOAuthErrorCode.StoreUnavailable, "Signed in, but the login could not be stored: " + unsaved.Error.Message, unsaved.Error);
        }

        return tokens;
    }
}
