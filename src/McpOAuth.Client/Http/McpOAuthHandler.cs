using System.Net.Http.Headers;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>A <see cref="DelegatingHandler"/> that attaches MCP access tokens and answers 401 and 403 challenges.</summary>
/// <remarks>
/// <para>On the steady path it only reads the cached credential: no I/O and no lock. A request that already has an
/// <c>Authorization</c> header is passed through untouched, and tokens are sent only over https or to a loopback host, and only
/// to the resource they were issued for.</para>
/// <para>On a 401 Bearer (or DPoP) challenge it signs in (discovery, registration, browser, token) and resends the request; on a
/// 403 <c>insufficient_scope</c> challenge it re-authorizes with the union of the old and challenged scopes (AUTH-28, AUTH-29);
/// on a DPoP <c>use_dpop_nonce</c> challenge it resends with a new proof carrying the server's nonce, without a new sign-in.
/// It stops after <see cref="McpOAuthOptions.MaxAuthorizationAttempts"/> authorizations for one request, when the server
/// rejects a token that was just issued, or when a challenge repeats without new scopes, with a <see cref="McpOAuthException"/>.</para>
/// <para>DPoP-bound tokens are sent as <c>Authorization: DPoP</c> with a fresh <c>DPoP</c> proof header on every request
/// (RFC 9449 §7.1). Request content is buffered when needed, so it can be resent. The synchronous <c>Send</c> is not supported,
/// because signing in may need a browser.</para>
/// </remarks>
public sealed class McpOAuthHandler : DelegatingHandler
{
    private const int MaxNonceRetries = 2;

    private readonly IMcpOAuthCredentialSource _provider;
    private readonly int _maxAuthorizations;

    /// <summary>Initializes a new instance of the <see cref="McpOAuthHandler"/> class.</summary>
    /// <param name="provider">Supplies tokens and handles challenges: an <see cref="IMcpOAuthProvider"/>, or any other source. Its
    /// <see cref="IMcpOAuthCredentialSource.MaxAuthorizationAttempts"/> bounds the authorizations of one request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The provider's <see cref="IMcpOAuthCredentialSource.MaxAuthorizationAttempts"/> is
    /// outside 1 to 10.</exception>
    public McpOAuthHandler(IMcpOAuthCredentialSource provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        int maxAuthorizations = provider.MaxAuthorizationAttempts;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAuthorizations, 1, nameof(provider));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAuthorizations, 10, nameof(provider));
        _provider = provider;
        _maxAuthorizations = maxAuthorizations;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: signing in may need a browser, so only <c>SendAsync</c> is supported.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("McpOAuthHandler supports only SendAsync, because signing in may need a browser.");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri? uri = request.RequestUri;
        if (uri is null || request.Headers.Authorization is not null || !UriPolicy.IsSecure(uri, allowHttpLoopback: true))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        McpOAuthCredential? credential = await _provider.GetCredentialAsync(request.Method, uri, cancellationToken).ConfigureAwait(false);
        bool proofAttached = Apply(request, credential, proofAttached: false);

        await MakeResendableAsync(request, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        int authorizations = 0;
        int nonceRetries = 0;
        string? issuedDuringThisRequest = null;
        // RS-03, RS-04: a response that came from somewhere else (an inner handler followed a redirect) is never answered
        // with a token: the resend would go to the redirect target.
        while (!Redirected(request, uri) && ChallengeReader.TryRead(response, request.Method, uri, credential?.AccessToken, out McpOAuthChallenge? challenge))
        {
            bool nonceOnly = challenge.Error == OAuthWireNames.UseDpopNonce && challenge.DpopNonce is not null;
            if (nonceOnly ? ++nonceRetries > MaxNonceRetries : ++authorizations > _maxAuthorizations)
            {
                response.Dispose();
                throw new McpOAuthException(
                    McpOAuthErrorCode.AuthorizationLoop,
                    nonceOnly
                        ? $"{UriPolicy.EndpointKey(uri)} keeps asking for a new DPoP nonce; giving up after {MaxNonceRetries} retries."
                        : $"{UriPolicy.EndpointKey(uri)} still refuses the request after {_maxAuthorizations} authorizations; giving up.");
            }

            response.Dispose();
            if (!nonceOnly && issuedDuringThisRequest is not null && credential?.AccessToken == issuedDuringThisRequest)
            {
                challenge = challenge.WithRejectedTokenIsNew();
            }

            credential = await _provider.HandleChallengeAsync(challenge, cancellationToken).ConfigureAwait(false);
            if (!nonceOnly)
            {
                issuedDuringThisRequest = credential.AccessToken;
            }

            proofAttached = Apply(request, credential, proofAttached);
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (credential?.Proof is not null && response.Headers.NonValidated.TryGetValues("DPoP-Nonce", out HeaderStringValues nonces))
        {
            foreach (string nonce in nonces)
            {
                _provider.RememberDpopNonce(uri, nonce);
                break;
            }
        }

        return response;
    }

    private static bool Redirected(HttpRequestMessage request, Uri original) =>
        !ReferenceEquals(request.RequestUri, original) && !Equals(request.RequestUri, original);

    /// <summary>Sets the Authorization header (and the DPoP proof); the header collection is only searched when a proof was
    /// attached before, so a bearer request costs one header assignment.</summary>
    private static bool Apply(HttpRequestMessage request, McpOAuthCredential? credential, bool proofAttached)
    {
        if (proofAttached)
        {
            request.Headers.Remove(OAuthWireNames.Dpop);
        }

        if (credential is null)
        {
            request.Headers.Authorization = null;
            return false;
        }

        request.Headers.Authorization = credential.AuthorizationHeader;
        if (credential.Proof is null)
        {
            return false;
        }

        request.Headers.TryAddWithoutValidation(OAuthWireNames.Dpop, credential.Proof);
        return true;
    }

    private static async Task MakeResendableAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Buffered content types can be sent twice as they are; anything else is buffered once.
        HttpContent? content = request.Content;
        if (content is null or ByteArrayContent or ReadOnlyMemoryContent or System.Net.Http.Json.JsonContent)
        {
            return;
        }

        await ContentBuffering.LoadIntoBufferAsync(content, cancellationToken).ConfigureAwait(false);
    }
}
