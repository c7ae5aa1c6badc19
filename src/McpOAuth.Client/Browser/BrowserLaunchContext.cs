namespace McpOAuth.Client;

/// <summary>What the browser-launch hook receives.</summary>
public sealed class BrowserLaunchContext
{
    /// <summary>Gets the authorization URL to open; it has been checked (https, or http to loopback).</summary>
    /// <remarks>It carries the <c>state</c> value: do not log it.</remarks>
    public required Uri AuthorizationUri { get; init; }

    /// <summary>Gets the redirect URI the authorization server will send the browser back to.</summary>
    public required Uri RedirectUri { get; init; }

    internal Func<Uri, bool>? Complete { get; init; }

    /// <summary>Completes the sign-in with the URL the user copied from the browser's address bar after approving, for hosts
    /// where the browser cannot reach this machine's loopback listener (SSH sessions, containers).</summary>
    /// <param name="redirectedUrl">The full redirected URL, as pasted.</param>
    /// <returns><see langword="true"/> when it was this sign-in's response; <see langword="false"/> when it was not (the sign-in
    /// keeps waiting for a valid one).</returns>
    /// <remarks>The URL is validated exactly like a callback: the redirect URI's path, then <c>state</c>, then <c>iss</c>.</remarks>
    public bool TrySubmitRedirectedUrl(string? redirectedUrl) =>
        Complete is not null
        && Uri.TryCreate(redirectedUrl?.Trim(), UriKind.Absolute, out Uri? uri)
        && Complete(uri);

    /// <summary>Returns a description that leaves out the authorization URL's query.</summary>
    /// <returns>The endpoint without its query.</returns>
    public override string ToString() => $"BrowserLaunchContext {{ Endpoint = {AuthorizationUri.GetLeftPart(UriPartial.Path)} }}";
}
