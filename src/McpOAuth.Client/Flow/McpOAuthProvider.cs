using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The facade behind <see cref="IMcpOAuthProvider"/>: answers the hot path from memory (no I/O, no lock), and routes the rest
/// to the type whose job it is, under the server's gate: renewal to <see cref="TokenRenewer"/>, a challenge to
/// <see cref="ChallengeAnswerer"/>, an explicit sign-in to <see cref="ExplicitSignIn"/>, a hosted callback to
/// <see cref="WebSignInFlow"/>, sign-out to <see cref="SignOut"/>.
/// </summary>
internal sealed class McpOAuthProvider(
    McpOAuthOptions options,
    ITokenStore store,
    SessionIndex sessions,
    StoreLoader loader,
    OriginGates gates,
    ChallengeAnswerer answerer,
    ExplicitSignIn explicitSignIn,
    WebSignInFlow webSignIn,
    TokenRenewer renewer,
    GrantCompletion completion,
    SignOut signOut,
    Telemetry telemetry,
    TimeProvider time,
    ILogger logger) : IMcpOAuthProvider, IDisposable
{
    private static readonly KeyValuePair<string, object?> FromCache = new("source", "cache");
    private static readonly KeyValuePair<string, object?> Renewed = new("source", "renewed");

    public void Dispose() => gates.Dispose();

    public int MaxAuthorizationAttempts => options.MaxAuthorizationAttempts;

    public ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        TokenSet? tokens = sessions.Find(requestUri)?.Tokens;
        return tokens is not null && tokens.IsUsableAt(time.GetUtcNow(), options.RefreshSkew)
            ? new ValueTask<string?>(tokens.AccessToken)
            : AccessTokenOfAsync(requestUri, cancellationToken);
    }

    public ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        SessionCredential? current = sessions.Find(requestUri)?.Current;
        if (current is not null && current.Tokens.IsUsableAt(time.GetUtcNow(), options.RefreshSkew))
        {
            if (telemetry.CredentialsServed.Enabled)
            {
                telemetry.CredentialsServed.Add(1, FromCache);
            }

            return new ValueTask<McpOAuthCredential?>(current.CredentialFor(method, requestUri));
        }

        return CredentialOfAsync(method, requestUri, cancellationToken);
    }

    public void RememberDpopNonce(Uri requestUri, string nonce)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        sessions.Find(requestUri)?.Current?.Dpop?.RememberNonce(requestUri, nonce, authorizationServer: false);
    }

    public async Task<McpOAuthCredential> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        options.EnsureServes(challenge.RequestUri);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.ChallengeReceived(UriPolicy.EndpointKey(challenge.RequestUri), challenge.StatusCode, SafeText.Escape(challenge.Error));
        }

        telemetry.Challenges.Add(1, new KeyValuePair<string, object?>("kind", KindOf(challenge)));
        long arrival = answerer.Arrive();
        TokenSet tokens = await gates.RunAsync(challenge.RequestUri, lifetime => answerer.AnswerAsync(challenge, arrival, lifetime), cancellationToken)
            .ConfigureAwait(false);

        // The session that holds the answer; its credential carries the DPoP key when the tokens are bound to one, and it goes
        // only to an endpoint it serves (RS-01).
        ServerSession? holder = sessions.All.FirstOrDefault(s => ReferenceEquals(s.Tokens, tokens));
        return holder?.Current is { } current && ReferenceEquals(current.Tokens, tokens) && sessions.Serves(holder, challenge.RequestUri)
            ? current.CredentialFor(challenge.Method, challenge.RequestUri)
            : throw new McpOAuthException(
                McpOAuthErrorCode.AuthorizationLoop,
                $"No usable credential for {UriPolicy.EndpointKey(challenge.RequestUri)} after authorization.");
    }

    public Task<TokenSet> SignInAsync(Uri serverUri, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        return explicitSignIn.RunAsync(serverUri, scopes, cancellationToken);
    }

    public Task<SignOutResult> SignOutAsync(Uri? serverUri, CancellationToken cancellationToken = default) =>
        signOut.RunAsync(serverUri, cancellationToken);

    public async Task<McpOAuthSignInResult> CompleteSignInAsync(Uri redirectedUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectedUri);
        if (options.Hosted.RedirectUri is null)
        {
            throw new InvalidOperationException("Hosted sign-in is not configured (McpOAuthOptions.Hosted.RedirectUri).");
        }

        await loader.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return await Telemetry.MeasureAsync(
            McpOAuthTelemetry.AuthorizeActivity,
            telemetry.AuthorizationDuration,
            redirectedUri,
            time,
            () => webSignIn.CompleteAsync(redirectedUri, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<McpOAuthLogin>> ListLoginsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TokenSet> stored = await store.ListPartitionAsync(McpOAuthPartition.Current, cancellationToken).ConfigureAwait(false);
        return [.. stored.OrderBy(t => t.Resource, StringComparer.Ordinal).Select(McpOAuthLogin.From)];
    }

    private static string KindOf(McpOAuthChallenge challenge) =>
        challenge.Error == OAuthWireNames.UseDpopNonce && challenge.DpopNonce is not null ? "dpop_nonce"
            : challenge.StatusCode == 403 ? "403_step_up"
            : "401";

    private async ValueTask<string?> AccessTokenOfAsync(Uri requestUri, CancellationToken cancellationToken) =>
        (await RenewedCredentialAsync(requestUri, cancellationToken).ConfigureAwait(false))?.Tokens.AccessToken;

    private async ValueTask<McpOAuthCredential?> CredentialOfAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken)
    {
        SessionCredential? current = await RenewedCredentialAsync(requestUri, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        telemetry.CredentialsServed.Add(1, Renewed);
        return current.CredentialFor(method, requestUri);
    }

    /// <summary>The slow path: the store loaded, then the session's tokens as they are, or renewed under the gate.</summary>
    private async ValueTask<SessionCredential?> RenewedCredentialAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (!options.Serves(requestUri))
        {
            return null;
        }

        await loader.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        ServerSession? session = sessions.Find(requestUri);
        SessionCredential? current = session?.Current;
        if (session is null || current is null)
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        if (current.Tokens.IsUsableAt(now, options.RefreshSkew))
        {
            return current;
        }

        if (!TokenRenewer.CanRenew(session, current.Tokens))
        {
            // Within the skew but not expired: still worth sending; expired: let the server's 401 start a sign-in.
            return current.Tokens.IsUsableAt(now, TimeSpan.Zero) ? current : null;
        }

        TokenSet? renewed = await gates.RunAsync(
            session.ResourceUri,
            async lifetime =>
            {
                await completion.RetryUnsavedAsync(session, lifetime).ConfigureAwait(false);
                return await Telemetry.MeasureAsync(
                    McpOAuthTelemetry.RefreshActivity,
                    telemetry.RefreshDuration,
                    session.ResourceUri,
                    time,
                    () => renewer.RenewAsync(session, lifetime)).ConfigureAwait(false);
            },
            cancellationToken)
            .ConfigureAwait(false);
        return renewed is null ? null : session.Current;
    }
}
