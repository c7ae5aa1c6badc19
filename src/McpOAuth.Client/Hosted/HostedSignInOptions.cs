namespace McpOAuth.Client;

/// <summary>Sign-in for a hosted web application: the user's browser is redirected to the authorization server and back to the
/// application's own callback endpoint, instead of to a loopback listener on this machine.</summary>
/// <remarks>When <see cref="RedirectUri"/> is set, a request that needs a sign-in fails with
/// <see cref="McpOAuthSignInRequiredException"/>, which carries the authorization URL to send the browser to; the callback
/// endpoint completes it with <see cref="IMcpOAuthProvider.CompleteSignInAsync"/>. The sign-in in between is kept in the
/// <see cref="IPendingAuthorizationStore"/>, so the callback may reach another instance behind the same load balancer.</remarks>
public sealed class HostedSignInOptions
{
    /// <summary>Gets or sets the application's public callback URL, registered with the authorization server.</summary>
    /// <value>The default is <see langword="null"/>: sign-ins use a loopback listener and the local browser. Must be https, or
    /// http to a loopback host for development.</value>
    public Uri? RedirectUri { get; set; }

    /// <summary>Gets or sets how long a started sign-in can be completed.</summary>
    /// <value>The default is 10 minutes. Allowed: 1 minute to 1 hour.</value>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets where the browser goes once the sign-in completes; called when the sign-in starts.</summary>
    /// <value>The default is <see langword="null"/>: no return URL is recorded.</value>
    /// <remarks>The ASP.NET Core package records the URL of the request that needed the sign-in. Only a local path is honoured
    /// there, so the callback cannot be turned into an open redirect.</remarks>
    public Func<string?>? ReturnUrl { get; set; }
}
