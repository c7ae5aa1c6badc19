using FluentAssertions.Execution;
using Microsoft.Extensions.Time.Testing;

namespace McpOAuth.Cli.Tests;

/// <summary>Progress on standard error while the user signs in (issue 13 item 2): a spinner with the time left on a terminal,
/// a reminder line every 30 seconds otherwise; other lines never mix with the spinner. Time moves only by FakeTimeProvider.</summary>
public sealed class ProgressDisplayTests : IDisposable
{
    private const string EraseLine = "\r\u001b[K";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public void Dispose() => _stderr.Dispose();

    [Fact]
    public void WaitingForBrowser_Terminal_SpinsWithACountdownToTheTimeout()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: true, _time) { Timeout = TimeSpan.FromMinutes(5) };

        progress.OnStage(McpOAuthStage.WaitingForBrowser);
        string first = _stderr.ToString();
        _time.Advance(ProgressDisplay.SpinnerInterval);
        string second = _stderr.ToString()[first.Length..];
        _time.Advance(TimeSpan.FromSeconds(61));
        string later = _stderr.ToString();

        using (new AssertionScope())
        {
            first.Should().Be(EraseLine + "| Waiting for the browser... 5:00 left (Ctrl+C to cancel)");
            second.Should().Be(EraseLine + "/ Waiting for the browser... 4:59 left (Ctrl+C to cancel)", "each frame redraws the one line");
            later.Should().MatchRegex(@"\r\u001b\[K. Waiting for the browser\.\.\. 3:58 left \(Ctrl\+C to cancel\)$");
            later.Should().NotContain("\n", "a spinner redraws one line in place");
        }
    }

    [Fact]
    public void WriteLine_WhileSpinning_ErasesTheSpinnerPrintsTheLineAndDrawsItBelow()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: true, _time);
        progress.OnStage(McpOAuthStage.WaitingForBrowser);
        _stderr.GetStringBuilder().Clear();

        progress.WriteLine("Open this URL to sign in:");

        _stderr.ToString().Should().StartWith(EraseLine + "Open this URL to sign in:" + Environment.NewLine + EraseLine + "/ Waiting for the browser...");
    }

    [Fact]
    public void NextStage_AfterWaiting_ErasesTheSpinnerAndStopsTheTimer()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: true, _time);
        progress.OnStage(McpOAuthStage.WaitingForBrowser);

        progress.OnStage(McpOAuthStage.ExchangingCode);
        string afterStage = _stderr.ToString();
        _time.Advance(TimeSpan.FromMinutes(1));

        using (new AssertionScope())
        {
            afterStage.Should().EndWith(EraseLine + "Exchanging the authorization code..." + Environment.NewLine);
            _stderr.ToString().Should().Be(afterStage, "nothing is drawn once the wait is over");
        }
    }

    [Fact]
    public void WaitingForBrowser_NotATerminal_PrintsPlainReminderLinesWithoutEscapes()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: false, _time) { Timeout = TimeSpan.FromMinutes(5) };

        progress.OnStage(McpOAuthStage.WaitingForBrowser);
        _time.Advance(TimeSpan.FromSeconds(29));
        string beforeReminder = _stderr.ToString();
        _time.Advance(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(30));
        progress.Dispose();
        _time.Advance(TimeSpan.FromMinutes(1));

        using (new AssertionScope())
        {
            beforeReminder.Should().Be("Waiting for the browser..." + Environment.NewLine);
            _stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
                "Waiting for the browser...",
                "Still waiting for the browser (4:30 left).",
                "Still waiting for the browser (4:00 left).");
            _stderr.ToString().Should().NotContain("\u001b").And.NotContain("\r");
        }
    }

    [Fact]
    public void WaitUntil_DeviceCode_CountsDownToTheCodesExpiry()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: false, _time) { Device = true };

        progress.OnStage(McpOAuthStage.WaitingForBrowser);
        progress.WaitUntil(_time.GetUtcNow() + TimeSpan.FromMinutes(10));
        _time.Advance(ProgressDisplay.ReminderInterval);

        _stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "Waiting for approval on the device...",
            "Still waiting for approval on the device (9:30 left).");
    }

    [Fact]
    public void WaitingForBrowser_PastTheDeadline_ShowsZeroNotANegativeTime()
    {
        using var progress = new ProgressDisplay(_stderr, terminal: false, _time) { Timeout = TimeSpan.FromSeconds(10) };

        progress.OnStage(McpOAuthStage.WaitingForBrowser);
        _time.Advance(ProgressDisplay.ReminderInterval);

        _stderr.ToString().Should().Contain("(0:00 left)");
    }
}
