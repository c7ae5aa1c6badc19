namespace McpOAuth.Client.Internal;

/// <summary>
/// Revokes (RFC 7009) and deletes stored credentials, one at a time under its server's gate so no refresh of it is in flight.
/// The local credential goes whatever the server says; a failed revocation is reported, not retried.
/// </summary>
internal sealed class SignOut(
    ITokenStore store,
    SessionIndex sessions,
    OriginGates gates,
    StoredContextResolver contexts,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint)
{
    public async Task<SignOutResult> RunAsync(Uri? serverUri, CancellationToken cancellationToken)
    {
        IReadOnlyList<TokenSet> stored = await store.ListPartitionAsync(McpOAuthPartition.Current, cancellationToken).ConfigureAwait(false);
        var removed = new List<TokenStoreKey>();
        var revoked = new List<TokenStoreKey>();
        var unsupported = new List<TokenStoreKey>();
        var failures = new Dictionary<TokenStoreKey, string>();
        foreach (TokenSet tokens in stored)
        {
            if ((serverUri is not null && !UriPolicy.ResourceIdentifiesServer(tokens.Resource, serverUri))
                || !UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri))
            {
                continue; // Another server's, or not a credential this provider can have written.
            }

            Outcome outcome = await gates.RunOwnedAsync(resourceUri, ct => SignOutOneAsync(tokens, resourceUri, ct), cancellationToken)
                .ConfigureAwait(false);
            removed.Add(tokens.Key);
            switch (outcome.Kind)
            {
                case OutcomeKind.Revoked:
                    revoked.Add(tokens.Key);
                    break;
                case OutcomeKind.Unsupported:
                    unsupported.Add(tokens.Key);
                    break;
                default:
                    failures[tokens.Key] = outcome.Failure!;
                    break;
            }
        }

        sessions.Invalidate();
        return new SignOutResult { Removed = removed, Revoked = revoked, RevocationFailures = failures, RevocationUnsupported = unsupported };
    }

    private async Task<Outcome> SignOutOneAsync(TokenSet tokens, Uri resourceUri, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? activity = Telemetry.Source.StartActivity(McpOAuthTelemetry.RevokeActivity);
        activity?.SetTag("server.address", resourceUri.IdnHost);
        Outcome outcome = new(OutcomeKind.Failed, null);
        try
        {
            outcome = await RevokeAsync(tokens, resourceUri, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (McpOAuthException ex)
        {
            outcome = new(OutcomeKind.Failed, $"{ex.Code}: {ex.Message}");
            return outcome;
        }
        finally
        {
            // A closed list: the failure text (server words) never becomes a tag.
            activity?.SetTag("mcpoauth.revocation.outcome", outcome.Kind switch
            {
                OutcomeKind.Revoked => "revoked",
                OutcomeKind.Unsupported => "unsupported",
                _ => "failed",
            });
            await store.RemoveAsync(tokens.Key, CancellationToken.None).ConfigureAwait(false);
            foreach (ServerSession session in sessions.All)
            {
                if (session.Tokens?.Key == tokens.Key)
                {
                    session.Clear();
                }
            }
        }
    }

    private async Task<Outcome> RevokeAsync(TokenSet tokens, Uri resourceUri, CancellationToken cancellationToken)
    {
        ServerSession session = sessions.GetOrAdd(tokens.Resource, resourceUri);
        AuthorizationContext? context = await contexts.ResolveAsync(session, tokens, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            // The client cannot authenticate here: its secret or key is not configured, or is bound to another issuer (T10).
            return new(OutcomeKind.Failed, "not revoked: this run cannot authenticate as the client the tokens were issued to (its secret or key is not configured for this issuer)");
        }

        if (context.Server.RevocationEndpoint is not { } endpoint)
        {
            return new(OutcomeKind.Unsupported, null);
        }

        var revocationUri = new Uri(endpoint);
        ClientAuthentication client = registrations.AuthenticationOf(context.Client);
        string? failure = null;
        if (tokens.RefreshToken is not null)
        {
            failure = await tokenEndpoint.RevokeAsync(revocationUri, client, tokens.RefreshToken, OAuthWireNames.RefreshToken, cancellationToken).ConfigureAwait(false);
        }

        failure ??= await tokenEndpoint.RevokeAsync(revocationUri, client, tokens.AccessToken, OAuthWireNames.AccessToken, cancellationToken).ConfigureAwait(false);
        return failure is null ? new(OutcomeKind.Revoked, null) : new(OutcomeKind.Failed, failure);
    }

    private enum OutcomeKind
    {
        Revoked,
        Unsupported,
        Failed,
    }

    private readonly record struct Outcome(OutcomeKind Kind, string? Failure);
}
