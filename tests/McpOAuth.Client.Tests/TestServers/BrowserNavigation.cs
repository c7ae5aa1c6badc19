using System.Net;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What a <see cref="ScriptedBrowser"/> saw when it opened a URL.</summary>
public sealed record BrowserNavigation
{
    /// <summary>Gets the URL the browser opened first (the authorization URL, or a crafted callback URL).</summary>
    public required Uri RequestedUri { get; init; }

    /// <summary>Gets the status of the authorization endpoint's answer, or <see langword="null"/> when only a callback was delivered.</summary>
    public HttpStatusCode? AuthorizationStatusCode { get; init; }

    /// <summary>Gets the <c>Location</c> the authorization endpoint redirected to (before any rewrite).</summary>
    public Uri? RedirectLocation { get; init; }

    /// <summary>Gets the callback URL actually requested (after <see cref="ScriptedBrowser.RewriteCallback"/>).</summary>
    public Uri? CallbackUri { get; init; }

    /// <summary>Gets the status the callback listener answered with.</summary>
    public HttpStatusCode? CallbackStatusCode { get; init; }

    /// <summary>Gets the callback listener's response body.</summary>
    public string CallbackBody { get; init; } = string.Empty;

    /// <summary>Gets the callback listener's response and content headers (case-insensitive keys, values comma-joined).</summary>
    public IReadOnlyDictionary<string, string> CallbackHeaders { get; init; } = new Dictionary<string, string>();
}
