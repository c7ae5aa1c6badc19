using System.Diagnostics;

using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>Opens a checked URL in the user's browser without a shell (AUTH-46): <c>$BROWSER</c>, else the platform opener.</summary>
/// <remarks>This is what runs when <see cref="McpOAuthOptions.LaunchBrowser"/> is <see langword="null"/>; a custom hook can call it
/// after doing its own work (such as printing the URL). <c>$BROWSER</c> is run with the URL as one argument (or in place of a
/// <c>%s</c> word); nothing goes through <c>sh</c>, <c>cmd</c> or PowerShell.</remarks>
public static class SystemBrowserLauncher
{
    /// <summary>Opens the authorization URL in the user's browser.</summary>
    /// <param name="context">The URL to open.</param>
    /// <param name="cancellationToken">Cancels before the browser is started.</param>
    /// <returns>A task that completes when the browser process has been started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">The URL is not https or http to loopback, or the browser could not be started
    /// (<see cref="McpOAuthErrorCode.BrowserLaunchFailed"/>).</exception>
    public static ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        Uri uri = context.AuthorizationUri;
        if (!UriPolicy.IsSecure(uri, allowHttpLoopback: true))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InsecureEndpoint, "Only https URLs, or http to loopback, are opened in a browser.");
        }

        ProcessStartInfo start = CreateStartInfo(uri.AbsoluteUri, Environment.GetEnvironmentVariable("BROWSER"));
        try
        {
            using Process? process = Process.Start(start);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            throw new McpOAuthAuthorizationException(
                McpOAuthErrorCode.BrowserLaunchFailed,
                $"The browser could not be started ({start.FileName}). Set BROWSER, or open the sign-in URL yourself.",
                ex);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Builds the process start: an argument list only, the URL always one argument of its own.</summary>
    internal static ProcessStartInfo CreateStartInfo(string url, string? browserVariable)
    {
        // $BROWSER may be a colon-separated list (not on Windows, where ':' is in paths); the first entry wins. "%s" marks
        // where the URL goes.
        string? command = OperatingSystem.IsWindows()
            ? browserVariable?.Trim()
            : browserVariable?.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(command))
        {
            string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var info = new ProcessStartInfo(words[0]) { UseShellExecute = false };
            bool placed = false;
            foreach (string word in words.Skip(1))
            {
                if (word == "%s")
                {
                    info.ArgumentList.Add(url);
                    placed = true;
                }
                else
                {
                    info.ArgumentList.Add(word);
                }
            }

            if (!placed)
            {
                info.ArgumentList.Add(url);
            }

            return info;
        }

        if (OperatingSystem.IsWindows())
        {
            // ShellExecute of a checked https URL opens the default browser; no cmd.exe, no argument parsing.
            return new ProcessStartInfo(url) { UseShellExecute = true };
        }

        var opener = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open") { UseShellExecute = false };
        opener.ArgumentList.Add(url);
        return opener;
    }
}
