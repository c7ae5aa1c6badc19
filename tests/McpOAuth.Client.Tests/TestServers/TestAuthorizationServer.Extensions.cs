using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The MCP authorization extensions at <c>/token</c>: client credentials (secrets or <c>private_key_jwt</c>), the
/// RFC 7523 JWT bearer grant, the RFC 8693 ID-JAG exchange (as an identity provider), and RFC 9449 DPoP binding.</summary>
public sealed partial class TestAuthorizationServer
{
    private const string ClientAssertionTypeJwt = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const string JwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string TokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string IdJagTokenType = "urn:ietf:params:oauth:token-type:id-jag";

    private readonly Dictionary<string, string> _dpopBindings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _assertionJtis = new(StringComparer.Ordinal);
    private readonly TestDpopVerifier _dpopVerifier = new();
    private readonly List<string> _extensionRejections = [];

    /// <summary>Gets the extension settings; changes apply to the next request.</summary>
    public TestExtensionGrantOptions Extensions { get; } = new();

    /// <summary>Gets why extension token requests were refused, in order (for failure messages).</summary>
    public IReadOnlyList<string> ExtensionRejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _extensionRejections];
            }
        }
    }

    /// <summary>Serves the extension grants and DPoP at <c>/token</c> (through <see cref="TestAuthorizationServerOptions.OnTokenRequest"/>),
    /// next to <c>authorization_code</c> and <c>refresh_token</c>.</summary>
    /// <param name="configure">Sets the extension options.</param>
    /// <returns>This server.</returns>
    public TestAuthorizationServer EnableExtensionGrants(Action<TestExtensionGrantOptions>? configure = null)
    {
        configure?.Invoke(Extensions);
        Options.OnTokenRequest = async context =>
        {
            await HandleExtensionTokenAsync(context, context.GetRecordedRequest());
            return true;
        };
        return this;
    }

    /// <summary>Gets the RFC 7638 thumbprint an access token is bound to, or null for a bearer token.</summary>
    /// <param name="accessToken">The access token.</param>
    /// <returns>The <c>jkt</c>, or null.</returns>
    public string? GetDpopBinding(string accessToken)
    {
        lock (_gate)
        {
            return _dpopBindings.GetValueOrDefault(accessToken);
        }
    }

    private async Task HandleExtensionTokenAsync(HttpContext context, RecordedRequest request)
    {
        TestExtensionGrantOptions x = Extensions;
        DateTimeOffset now = Options.TimeProvider.GetUtcNow();

        // RFC 9449 §5: the proof is checked before anything else.
        string? jkt = null;
        if (request.Headers.TryGetValue("DPoP", out var proofs))
        {
            DpopCheck check = _dpopVerifier.Verify(proofs, request.Method, TokenEndpoint.AbsoluteUri, accessToken: null, x.DpopNonce, now);
            if (!check.IsValid)
            {
                if (check.Error == "use_dpop_nonce")
                {
                    context.Response.Headers["DPoP-Nonce"] = x.DpopNonce;
                }

                await RejectAsync(context, new OAuthError(400, check.Error!, check.Description));
                return;
            }

            jkt = check.Jkt;
        }
        else if (x.RequireDpop)
        {
            await RejectAsync(context, new OAuthError(400, "invalid_dpop_proof", "a DPoP proof is required"));
            return;
        }

        (OAuthError? error, TestClientRegistration? client) = AuthenticateClient(request, now);
        if (error is not null)
        {
            await RejectAsync(context, error);
            return;
        }

        object result = request.FormValue("grant_type") switch
        {
            "authorization_code" => RedeemAuthorizationCode(request, client!),
            "refresh_token" => RedeemRefreshToken(request, client!),
            "client_credentials" => GrantClientCredentials(request, client!),
            "urn:ietf:params:oauth:grant-type:device_code" when Options.DeviceAuthorizationEnabled => RedeemDeviceCode(request, client!),
            JwtBearerGrantType => GrantJwtBearer(request, client!, now),
            TokenExchangeGrantType when x.IdJagSigningKey is not null => ExchangeForIdJag(request, now),
            null => OAuthError.InvalidRequest("grant_type required"),
            _ => new OAuthError(400, "unsupported_grant_type", null),
        };
        if (result is OAuthError oauthError)
        {
            await RejectAsync(context, oauthError);
            return;
        }

        var body = (JsonObject)result;
        if (jkt is not null && x.BindDpopTokens && body["token_type"]?.GetValue<string>() == "Bearer")
        {
            body["token_type"] = "DPoP";
            lock (_gate)
            {
                _dpopBindings[body["access_token"]!.GetValue<string>()] = jkt;
            }
        }

        Options.MutateTokenResponse?.Invoke(body);
        context.Response.Headers.Pragma = "no-cache";
        await WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    private async Task RejectAsync(HttpContext context, OAuthError error)
    {
        lock (_gate)
        {
            _extensionRejections.Add($"{error.Error}: {error.Description}");
        }

        await WriteOAuthErrorAsync(context, error);
    }

    /// <summary>Authenticates the client of a token, revocation or device authorization request: by its client assertion
    /// (private_key_jwt) when it sends one, otherwise as <see cref="ValidateClientRequest"/> does.</summary>
    private (OAuthError? Error, TestClientRegistration? Client) AuthenticateClient(RecordedRequest request, DateTimeOffset now) =>
        request.FormValue("client_assertion_type") is not null ? AuthenticateWithClientAssertion(request, now) : ValidateClientRequest(request);

    /// <summary>RFC 7523 §2.2, §3: a client assertion signed with the client's registered key, for this issuer, fresh.</summary>
    private (OAuthError? Error, TestClientRegistration? Client) AuthenticateWithClientAssertion(RecordedRequest request, DateTimeOffset now)
    {
        if (!HttpMethods.IsPost(request.Method) || request.Form.Any(p => p.Value.Count > 1))
        {
            return (OAuthError.InvalidRequest("a single-valued form POST is required"), null);
        }

        if (request.Authorization is not null || request.FormValue("client_secret") is not null)
        {
            return (OAuthError.InvalidRequest("more than one client authentication method"), null);
        }

        if (request.FormValue("client_assertion_type") != ClientAssertionTypeJwt)
        {
            return (OAuthError.InvalidClient("unsupported client_assertion_type", basic: false), null);
        }

        TestJws? assertion = TestJwt.TryParse(request.FormValue("client_assertion"));
        string? clientId = assertion?.ClaimString("iss");
        TestClientRegistration? client = clientId is null ? null : FindClient(clientId);
        if (assertion is null || client is null || client.TokenEndpointAuthMethod != "private_key_jwt"
            || !Extensions.ClientKeys.TryGetValue(client.ClientId, out AsymmetricAlgorithm? key))
        {
            return (OAuthError.InvalidClient("unknown client or no registered key", basic: false), null);
        }

        string? problem = CheckJwt(assertion, key, now, maxLifetime: TimeSpan.FromMinutes(5));
        if (problem is null && assertion.ClaimString("sub") != client.ClientId)
        {
            problem = "sub must equal iss (the client id)";
        }

        if (problem is null && request.FormValue("client_id") is { } formClientId && formClientId != client.ClientId)
        {
            problem = "client_id differs from the assertion";
        }

        return problem is null ? (null, client) : (OAuthError.InvalidClient("client assertion: " + problem, basic: false), null);
    }

    private object GrantClientCredentials(RecordedRequest request, TestClientRegistration client)
    {
        // RFC 6749 §4.4: confidential clients only.
        if (client.TokenEndpointAuthMethod == "none")
        {
            return new OAuthError(400, "unauthorized_client", "client_credentials needs an authenticated client");
        }

        lock (_gate)
        {
            return IssueTokenResponseLocked(
                client.ClientId, request.FormValue("resource"), request.FormValue("scope"), "client_credentials", TestCrypto.NewOpaqueValue("grant-"), newRefreshToken: false);
        }
    }

    /// <summary>RFC 7523 §2.1, §3: an assertion signed by a trusted issuer, for this server, fresh, and for the resource asked.</summary>
    private object GrantJwtBearer(RecordedRequest request, TestClientRegistration client, DateTimeOffset now)
    {
        TestJws? assertion = TestJwt.TryParse(request.FormValue("assertion"));
        if (assertion is null)
        {
            return OAuthError.InvalidGrant("assertion missing or malformed");
        }

        if (assertion.ClaimString("iss") is not { } iss || !Extensions.AssertionIssuerKeys.TryGetValue(iss, out AsymmetricAlgorithm? key))
        {
            return OAuthError.InvalidGrant("assertion from an untrusted issuer");
        }

        string? problem = CheckJwt(assertion, key, now, maxLifetime: TimeSpan.FromHours(1));
        if (problem is null && assertion.ClaimString("resource") is { } boundResource && boundResource != request.FormValue("resource"))
        {
            problem = "the assertion is for another resource";
        }

        if (problem is null && assertion.ClaimString("client_id") is { } boundClient && boundClient != client.ClientId)
        {
            problem = "the assertion was issued to another client";
        }

        if (problem is not null)
        {
            return OAuthError.InvalidGrant("assertion: " + problem);
        }

        lock (_gate)
        {
            return IssueTokenResponseLocked(
                client.ClientId, request.FormValue("resource"), request.FormValue("scope"), JwtBearerGrantType, TestCrypto.NewOpaqueValue("grant-"), newRefreshToken: false);
        }
    }

    /// <summary>RFC 8693 at the identity provider: an accepted ID token becomes an ID-JAG for the audience and resource asked.</summary>
    private object ExchangeForIdJag(RecordedRequest request, DateTimeOffset now)
    {
        string? subjectToken = request.FormValue("subject_token");
        string? audience = request.FormValue("audience");
        if (request.FormValue("requested_token_type") != IdJagTokenType
            || request.FormValue("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token"
            || string.IsNullOrEmpty(audience))
        {
            return OAuthError.InvalidRequest("requested_token_type, subject_token_type and audience are required");
        }

        if (subjectToken is null || !Extensions.AcceptedIdTokens.Contains(subjectToken))
        {
            return OAuthError.InvalidGrant("unknown subject_token");
        }

        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "enterprise-user",
            ["aud"] = audience,
            ["jti"] = TestCrypto.NewOpaqueValue("idjag-"),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        if (request.FormValue("resource") is { } resource)
        {
            claims["resource"] = resource;
        }

        return new JsonObject
        {
            ["access_token"] = TestJwt.Sign(claims, Extensions.IdJagSigningKey!, typ: "oauth-id-jag+jwt"),
            ["issued_token_type"] = IdJagTokenType,
            ["token_type"] = "N_A",
            ["expires_in"] = 300,
        };
    }

    /// <summary>The checks every assertion gets: signature, <c>aud</c> = this issuer, unexpired, not too long-lived, unique <c>jti</c>.</summary>
    private string? CheckJwt(TestJws jwt, AsymmetricAlgorithm key, DateTimeOffset now, TimeSpan maxLifetime)
    {
        if (!jwt.VerifyWith(key))
        {
            return "signature does not verify";
        }

        bool audienceOk = jwt.Payload["aud"] switch
        {
            JsonValue v when v.TryGetValue(out string? aud) => aud == Issuer,
            JsonArray a => a.Any(n => n is JsonValue v && v.TryGetValue(out string? s) && s == Issuer),
            _ => false,
        };
        if (!audienceOk)
        {
            return $"aud must be {Issuer}";
        }

        long seconds = now.ToUnixTimeSeconds();
        if (jwt.ClaimNumber("exp") is not { } exp || exp <= seconds)
        {
            return "expired or no exp";
        }

        if (jwt.ClaimNumber("iat") is { } iat && (iat > seconds + 60 || exp - iat > maxLifetime.TotalSeconds))
        {
            return "iat in the future or lifetime too long";
        }

        if (jwt.ClaimString("jti") is { } jti)
        {
            lock (_gate)
            {
                if (!_assertionJtis.Add(jwt.ClaimString("iss") + "\n" + jti))
                {
                    return "jti replayed";
                }
            }
        }

        return null;
    }
}
