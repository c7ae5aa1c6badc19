using System.Diagnostics;

namespace McpOAuth.Client.Internal;

/// <summary>Opens a checked URL in the user's browser without a shell (AUTH-46): <c>$BROWSER</c>, else the platform opener.</summary>
internal static class SystemBrowserLauncher
{
    public static ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
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
        if (!string.IsNullOrWhiteSpace(browserVariable))
        {
            // $BROWSER may be a colon-separated list; the first entry wins. "%s" marks where the URL goes.
            string command = browserVariable.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
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
