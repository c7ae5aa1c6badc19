namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What <see cref="ScriptedBrowser.LaunchAsync"/> does with the URL it is given.</summary>
public enum ScriptedBrowserMode
{
    /// <summary>Open the URL, expect a 302 from the authorization server, then GET its <c>Location</c> (the callback).</summary>
    FollowRedirects,

    /// <summary>Only record the URL; the test drives the rest with <see cref="ScriptedBrowser.AuthorizeAsync"/> and
    /// <see cref="ScriptedBrowser.DeliverCallbackAsync"/>.</summary>
    CaptureOnly,
}
