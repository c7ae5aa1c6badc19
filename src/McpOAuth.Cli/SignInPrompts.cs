using McpOAuth.Client;

namespace McpOAuth.Cli;

/// <summary>What <c>login</c> shows the user: the sign-in URL (opened in the browser, or pasted back with <c>--no-browser</c>)
/// or the device code, all on standard error.</summary>
internal static class SignInPrompts
{
    public static void Configure(McpOAuthOptions options, CliArguments cli, CliConsole console, ProgressDisplay progress)
    {
        options.LaunchBrowser = (context, cancellationToken) => LaunchAsync(context, cli.NoBrowser, console, progress, cancellationToken);
        if (cli.Device)
        {
            options.UseDeviceAuthorization = true;
            progress.Device = true;
            options.ShowDeviceCode = (device, _) =>
            {
                ShowDeviceCode(device, progress);
                return ValueTask.CompletedTask;
            };
        }
    }

    private static async ValueTask LaunchAsync(
        BrowserLaunchContext context, bool noBrowser, CliConsole console, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        progress.WriteLine($"Open this URL to sign in:{Environment.NewLine}  {context.AuthorizationUri.AbsoluteUri}");
        if (noBrowser)
        {
            // Headless: the browser may be on another machine. Accept the redirected URL pasted back, validated like a
            // callback; the loopback listener keeps working for a browser on this machine.
            progress.WriteLine($"After approving, paste the full URL your browser was sent to (it starts with {context.RedirectUri.GetLeftPart(UriPartial.Path)}):");
            _ = ReadPastedRedirectsAsync(context, console.In(), progress);
            return;
        }

        try
        {
            await console.Browser(context, cancellationToken);
        }
        catch (McpOAuthException ex)
        {
            progress.WriteLine($"Could not open a browser ({CliText.SafeMessage(ex.Message)}); open the URL above yourself.");
        }
    }

    private static void ShowDeviceCode(DeviceAuthorizationContext device, ProgressDisplay progress)
    {
        // The user code comes from the server: escaped like any server text.
        progress.WriteLine($"To sign in, open {device.VerificationUri.AbsoluteUri} on any device and enter the code {CliText.Safe(device.UserCode)}");
        if (device.VerificationUriComplete is { } complete)
        {
            progress.WriteLine($"  (or open {complete.AbsoluteUri})");
        }

        progress.WriteLine($"The code expires at {CliText.Format(device.ExpiresAt)}.");
        progress.WaitUntil(device.ExpiresAt);
    }

    private static async Task ReadPastedRedirectsAsync(BrowserLaunchContext context, TextReader stdin, ProgressDisplay progress)
    {
        while (await stdin.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (context.TrySubmitRedirectedUrl(line))
            {
                return;
            }

            progress.WriteLine("That is not the redirect of this sign-in (wrong address or state); paste the full URL again.");
        }
    }
}
