namespace McpOAuth.Client;

/// <summary>The names McpOAuth.Client's traces and metrics are published under, for OpenTelemetry and other listeners.</summary>
/// <remarks>Subscribe with <c>AddSource(McpOAuthTelemetry.Name)</c> and <c>AddMeter(McpOAuthTelemetry.Name)</c>. No span or
/// measurement ever carries a token, code, verifier, secret, <c>state</c> or a URL's query: hosts are tagged as
/// <c>server.address</c>, never as full URLs. See <c>docs/diagnostics.md</c>.</remarks>
public static class McpOAuthTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "McpOAuth.Client";

    /// <summary>Span: discovery of protected resource or authorization server metadata.</summary>
    public const string DiscoverActivity = Name + ".Discover";

    /// <summary>Span: obtaining a client registration.</summary>
    public const string RegisterActivity = Name + ".Register";

    /// <summary>Span: a sign-in, including the time the user spends in the browser.</summary>
    public const string AuthorizeActivity = Name + ".Authorize";

    /// <summary>Span: one request to a token endpoint, tagged with its grant.</summary>
    public const string TokenRequestActivity = Name + ".TokenRequest";

    /// <summary>Span: a renewal without a user (refresh, or a machine grant again).</summary>
    public const string RefreshActivity = Name + ".Refresh";

    /// <summary>Span: revoking a credential.</summary>
    public const string RevokeActivity = Name + ".Revoke";

    /// <summary>Span: one token store operation.</summary>
    public const string StoreActivity = Name + ".Store";

    /// <summary>Counter: token endpoint requests, tagged <c>grant_type</c> (<c>authorization_code</c>, <c>refresh_token</c>,
    /// <c>device_code</c>, <c>client_credentials</c>, <c>jwt-bearer</c>, <c>token-exchange</c>) and <c>outcome</c> (<c>success</c>,
    /// a standard OAuth error code such as <c>invalid_grant</c>, or the <see cref="McpOAuthErrorCode"/> of what failed).</summary>
    public const string TokenRequests = "mcpoauth.client.token.requests";

    /// <summary>Histogram (seconds): token endpoint request duration, tagged <c>grant_type</c> and <c>outcome</c>.</summary>
    public const string TokenRequestDuration = "mcpoauth.client.token.request.duration";

    /// <summary>Histogram (seconds): sign-in duration, tagged <c>outcome</c>.</summary>
    public const string AuthorizationDuration = "mcpoauth.client.authorization.duration";

    /// <summary>Histogram (seconds): renewal duration, tagged <c>outcome</c>.</summary>
    public const string RefreshDuration = "mcpoauth.client.refresh.duration";

    /// <summary>Counter: challenges answered, tagged <c>kind</c> (<c>401</c>, <c>403_step_up</c>, <c>dpop_nonce</c>).</summary>
    public const string Challenges = "mcpoauth.client.challenges";

    /// <summary>Counter: credentials attached to requests, tagged <c>source</c> (<c>cache</c> or <c>renewed</c>).</summary>
    public const string CredentialsServed = "mcpoauth.client.credentials.served";

    /// <summary>Counter: token store failures, tagged <c>operation</c>.</summary>
    public const string StoreErrors = "mcpoauth.client.store.errors";
}
