using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace McpOAuth.Client.BrowserTests;

/// <summary>Debian's Chromium (<c>/usr/bin/chromium</c>), headless, driven by Playwright with a new empty profile: one page,
/// with every JavaScript dialog, every request URL and every console message the page produced recorded for assertions.</summary>
/// <remarks>Playwright never downloads a browser here: it is pointed at the installed one with
/// <see cref="BrowserTypeLaunchPersistentContextOptions.ExecutablePath"/>. A missing Chromium fails the test with the
/// command that installs it; nothing is skipped.</remarks>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Guards every browser step against a hang; far above what a step takes on loopback.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);

    // Without the background-networking flags Chromium tries to reach Google's hosts at every start; this machine's
    // network is closed, and the tests use loopback only (--no-proxy-server: not even a configured proxy).
    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-proxy-server",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly DirectoryInfo _profile;
    private readonly ConcurrentQueue<string> _dialogs = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _console = new();

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, DirectoryInfo profile, IPage page)
    {
        _playwright = playwright;
        _context = context;
        _profile = profile;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            _dialogs.Enqueue($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.Console += (_, message) => _console.Enqueue($"{message.Type}: {message.Text}");
        context.Request += (_, request) => _requests.Enqueue($"{request.Method} {request.Url}");
    }

    public IPage Page { get; }

    /// <summary>Gets every JavaScript dialog (alert, confirm, prompt, beforeunload) the page opened; each was dismissed.</summary>
    public IReadOnlyList<string> Dialogs => [.. _dialogs];

    /// <summary>Gets <c>METHOD URL</c> of every request the pages made, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Gets the console messages (CSP violations show up here).</summary>
    public IReadOnlyList<string> ConsoleMessages => [.. _console];

    /// <summary>Gets the folder the screenshots go to: <c>screenshots/</c> in the test output directory (never committed).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Starts Chromium with a new, empty user data directory, or fails with how to install it.</summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed: {ExecutablePath} is missing. The browser tests need Debian's chromium package; "
                + "install it with `sudo bash tests/browser/install.sh` (from the repository root), then run the tests again.");
        }

        DirectoryInfo profile = Directory.CreateTempSubdirectory("mcpoauth-chromium-profile-");
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                Timeout = (float)StepTimeout.TotalMilliseconds,
                ViewportSize = new ViewportSize { Width = 900, Height = 500 },
                Locale = "en-US",
            });
            context.SetDefaultTimeout((float)StepTimeout.TotalMilliseconds);
            context.SetDefaultNavigationTimeout((float)StepTimeout.TotalMilliseconds);
            IPage page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            return new HeadlessChromium(playwright, context, profile, page);
        }
        catch
        {
            playwright?.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Saves a PNG of the whole page as <c>screenshots/{name}.png</c> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        string path = Path.Combine(ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Counts the elements matching a CSS selector in the current document.</summary>
    public Task<int> CountAsync(string selector) =>
        Page.EvaluateAsync<int>("selector => document.querySelectorAll(selector).length", selector);

    /// <summary>Every element of the current document, as lower-case tag names in document order.</summary>
    public async Task<string[]> ElementNamesAsync() =>
        await Page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('*'), e => e.localName)");

    /// <summary>Everything the browser saw, for assertion messages.</summary>
    public string Describe() =>
        $"requests:\n  {string.Join("\n  ", Requests)}\ndialogs:\n  {string.Join("\n  ", Dialogs)}\nconsole:\n  {string.Join("\n  ", ConsoleMessages)}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _context.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile as it exits; it is a temporary directory.
            }
        }
    }
}
