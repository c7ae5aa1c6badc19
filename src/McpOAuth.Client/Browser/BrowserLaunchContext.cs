namespace McpOAuth.Client;

/// <summary>What the browser-launch hook receives.</summary>
public sealed class BrowserLaunchContext
{
    /// <summary>Gets the authorization URL to open; it has been checked (https, or http to loopback).</summary>
    /// <remarks>It carries the <c>state</c> value: do not log it.</remarks>
    public required Uri AuthorizationUri { get; init; }

    /// <summary>Gets the redirect URI the authorization server will send the browser back to.</summary>
    public required Uri RedirectUri { get; init; }

    /// <summary>Returns a description that leaves out the authorization URL's query.</summary>
    /// <returns>The endpoint without its query.</returns>
    public override string ToString() => $"BrowserLaunchContext {{ Endpoint = {AuthorizationUri.GetLeftPart(UriPartial.Path)} }}";
}
