using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Reads an MCP server's 401 or 403 answer into a <see cref="McpOAuthChallenge"/>, once for both readers: the handler (a real
/// response) and the sign-in probe (a backchannel response). It uses the raw <c>WWW-Authenticate</c> values: the typed parser
/// would drop or reshape challenges it does not understand.
/// </summary>
internal static class ChallengeReader
{
    private const string WwwAuthenticate = "WWW-Authenticate";
    private const string DpopNonce = "DPoP-Nonce";

    /// <summary>A 401 with a Bearer or DPoP challenge (or none at all), or a 403 <c>insufficient_scope</c> (AUTH-48).</summary>
    public static bool TryRead(HttpResponseMessage response, HttpMethod method, Uri uri, string? sentToken, [NotNullWhen(true)] out McpOAuthChallenge? challenge)
    {
        challenge = null;
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return false;
        }

        IReadOnlyList<string> values = response.Headers.NonValidated.TryGetValues(WwwAuthenticate, out HeaderStringValues raw) ? [.. raw] : [];
        string? nonce = response.Headers.NonValidated.TryGetValues(DpopNonce, out HeaderStringValues nonces) ? nonces.FirstOrDefault() : null;
        bool sentDpop = response.RequestMessage?.Headers.Authorization?.Scheme == OAuthWireNames.Dpop;
        return TryRead((int)response.StatusCode, values, nonce, sentDpop, method, uri, sentToken, out challenge);
    }

    /// <summary>The challenge an unauthenticated probe drew; a server that answered without one still starts discovery.</summary>
    public static McpOAuthChallenge FromProbe(Uri serverUri, BackchannelResponse probe) =>
        TryRead(401, probe.WwwAuthenticate, probe.DpopNonce, sentDpop: false, HttpMethod.Post, serverUri, sentToken: null, out McpOAuthChallenge? challenge)
            ? challenge
            : new McpOAuthChallenge { RequestUri = serverUri, StatusCode = 401 };

    private static bool TryRead(
        int status,
        IReadOnlyList<string> wwwAuthenticate,
        string? nonce,
        bool sentDpop,
        HttpMethod method,
        Uri uri,
        string? sentToken,
        [NotNullWhen(true)] out McpOAuthChallenge? challenge)
    {
        challenge = null;
        List<AuthChallenge> challenges = wwwAuthenticate.Count > 0 ? WwwAuthenticateParser.Parse(wwwAuthenticate) : [];
        AuthChallenge? bearer = challenges.Find(c => c.Scheme.Equals(OAuthWireNames.Bearer, StringComparison.OrdinalIgnoreCase));
        AuthChallenge? dpop = challenges.Find(c => c.Scheme.Equals(OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase));

        // A DPoP-bound token is answered by the DPoP challenge; otherwise Bearer is ours, and DPoP when it is the only one.
        AuthChallenge? ours = dpop is not null && (bearer is null || sentDpop) ? dpop : bearer;
        if (status == 401)
        {
            // A 401 that names only other schemes (Basic, Negotiate, ...) is not ours to answer.
            if (ours is null && challenges.Count > 0)
            {
                return false;
            }
        }
        else if (ours is null || !string.Equals(ours.Get(OAuthWireNames.Error), OAuthWireNames.InsufficientScope, StringComparison.Ordinal))
        {
            return false; // Any other 403 is an authorization decision, not a scope problem: no OAuth loop.
        }

        string? scope = ours?.Get(OAuthWireNames.Scope);
        challenge = new McpOAuthChallenge
        {
            RequestUri = uri,
            StatusCode = status,
            Method = method,
            Scheme = ours is not null && ReferenceEquals(ours, dpop) ? OAuthWireNames.Dpop : OAuthWireNames.Bearer,
            ResourceMetadata = ours?.Get(OAuthWireNames.ResourceMetadata),
            Scopes = scope is null ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Error = ours?.Get(OAuthWireNames.Error),
            DpopNonce = nonce,
            RejectedAccessToken = sentToken,
        };
        return true;
    }
}
