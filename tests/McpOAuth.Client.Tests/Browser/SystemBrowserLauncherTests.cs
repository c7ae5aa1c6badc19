using System.Diagnostics;

namespace McpOAuth.Client.Tests.Browser;

public sealed class SystemBrowserLauncherTests
{
    private const string HostileUrl = "https://as.example/$(calc)/%60id%60;|&%22'%25USERPROFILE%25?state=s";

    [Fact]
    public void CreateStartInfo_BrowserVariable_UrlIsOneArgumentAndNoShell()
    {
        // AUTHZ-02, CVE-2025-6514: the launcher gets exactly one argument, the URL
        ProcessStartInfo start = SystemBrowserLauncher.CreateStartInfo(HostileUrl, "firefox");

        using (new AssertionScope())
        {
            start.FileName.Should().Be("firefox");
            start.UseShellExecute.Should().BeFalse();
            start.ArgumentList.Should().Equal(HostileUrl);
            start.Arguments.Should().BeEmpty();
        }
    }

    [Fact]
    public void CreateStartInfo_BrowserVariableWithPlaceholder_UrlReplacesIt()
    {
        ProcessStartInfo start = SystemBrowserLauncher.CreateStartInfo(HostileUrl, "chromium --new-window %s --incognito");

        start.FileName.Should().Be("chromium");
        start.ArgumentList.Should().Equal("--new-window", HostileUrl, "--incognito");
    }

    [Fact]
    public void CreateStartInfo_ColonSeparatedList_FirstEntryWins()
    {
        ProcessStartInfo start = SystemBrowserLauncher.CreateStartInfo(HostileUrl, "w3m:lynx");

        start.FileName.Should().Be("w3m");
        start.ArgumentList.Should().Equal(HostileUrl);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void CreateStartInfo_NoBrowserVariable_PlatformOpenerWithoutShell(string? browser)
    {
        // AUTHZ-02: never cmd, sh or powershell
        ProcessStartInfo start = SystemBrowserLauncher.CreateStartInfo(HostileUrl, browser);

        new[] { "sh", "bash", "cmd", "cmd.exe", "powershell", "pwsh" }.Should().NotContain(start.FileName);
        if (!OperatingSystem.IsWindows())
        {
            start.FileName.Should().Be(OperatingSystem.IsMacOS() ? "open" : "xdg-open");
            start.UseShellExecute.Should().BeFalse();
            start.ArgumentList.Should().Equal(HostileUrl);
        }
    }

    [Theory]
    [InlineData(":")]
    [InlineData(" : ")]
    public void CreateStartInfo_BrowserVariableWithOnlySeparators_DoesNotThrow(string browser)
    {
        // A malformed $BROWSER must not escape as IndexOutOfRangeException; LaunchAsync promises McpOAuthException.
        Action act = () => SystemBrowserLauncher.CreateStartInfo(HostileUrl, browser);

        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///C:/Windows/System32/calc.exe")]
    [InlineData("http://evil.example/authorize")]
    [InlineData("https://user$(x)@auth.example.com/authorize")]
    [InlineData("ms-msdt:/id")]
    public async Task LaunchAsync_UrlNotHttpsOrLoopback_RefusedWithoutStartingAnything(string url)
    {
        // AUTHZ-01, AUTHZ-02
        var context = new BrowserLaunchContext { AuthorizationUri = new Uri(url), RedirectUri = new Uri("http://127.0.0.1:1/callback") };

        Func<Task> act = async () => await SystemBrowserLauncher.LaunchAsync(context, CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Fact]
    public async Task LaunchAsync_AlreadyCancelled_ThrowsBeforeStarting()
    {
        var context = new BrowserLaunchContext { AuthorizationUri = new Uri("https://auth.example.com/authorize"), RedirectUri = new Uri("http://127.0.0.1:1/callback") };

        Func<Task> act = async () => await SystemBrowserLauncher.LaunchAsync(context, new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
