using System.Globalization;
using McpOAuth.Client;

namespace McpOAuth.Cli;

/// <summary>Shows on standard error how a sign-in or refresh is going, fed by <see cref="McpOAuthOptions.OnProgress"/>: one line
/// per stage and, while the user is expected in the browser or on another device, a spinner with the time left before the
/// sign-in times out when standard error is a terminal, or else a plain line every 30 seconds.</summary>
/// <remarks>Every other line printed during a sign-in goes through <see cref="WriteLine"/>, which erases the spinner first and
/// draws it again below, so the two never mix. Standard output is never written.</remarks>
internal sealed class ProgressDisplay : IDisposable
{
    /// <summary>How often the spinner turns on a terminal.</summary>
    public static readonly TimeSpan SpinnerInterval = TimeSpan.FromMilliseconds(125);

    /// <summary>How often a reminder line is printed when standard error is not a terminal.</summary>
    public static readonly TimeSpan ReminderInterval = TimeSpan.FromSeconds(30);

    private const string Frames = "|/-\\";
    private const string EraseLine = "\r\u001b[K";

    private readonly Lock _gate = new();
    private readonly TextWriter _stderr;
    private readonly bool _terminal;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private string? _waitingFor;
    private DateTimeOffset _deadline;
    private int _frame;
    private bool _drawn;

    public ProgressDisplay(TextWriter stderr, bool terminal, TimeProvider time)
    {
        _stderr = stderr;
        _terminal = terminal;
        _time = time;
    }

    /// <summary>Gets or sets how long the user has from the moment the browser is opened (the sign-in's timeout).</summary>
    public TimeSpan Timeout { get; set; } = McpOAuthDefaults.AuthorizationTimeout;

    /// <summary>Gets or sets whether the sign-in is a device authorization (the user approves on another device).</summary>
    public bool Device { get; set; }

    /// <summary>The <see cref="McpOAuthOptions.OnProgress"/> callback.</summary>
    public void OnStage(McpOAuthStage stage)
    {
        if (stage == McpOAuthStage.WaitingForBrowser)
        {
            StartWaiting(Device ? "approval on the device" : "the browser", _time.GetUtcNow() + Timeout);
            return;
        }

        StopWaiting();
        WriteLine(stage switch
        {
            McpOAuthStage.Discovering => "Discovering the authorization server...",
            McpOAuthStage.Registering => "Registering the client...",
            McpOAuthStage.ExchangingCode => "Exchanging the authorization code...",
            _ => "Refreshing the access token...",
        });
    }

    /// <summary>Moves the deadline of the countdown (a device code's expiry).</summary>
    public void WaitUntil(DateTimeOffset deadline)
    {
        lock (_gate)
        {
            _deadline = deadline;
        }
    }

    /// <summary>Writes one line to standard error without disturbing the spinner.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            Erase();
            _stderr.WriteLine(line);
            if (_terminal && _waitingFor is not null)
            {
                Draw();
            }
        }
    }

    /// <summary>Stops the spinner or the reminders and erases the spinner's line.</summary>
    public void StopWaiting()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            _waitingFor = null;
            Erase();
        }
    }

    public void Dispose() => StopWaiting();

    private void StartWaiting(string what, DateTimeOffset deadline)
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _waitingFor = what;
            _deadline = deadline;
            if (_terminal)
            {
                Draw();
            }
            else
            {
                _stderr.WriteLine($"Waiting for {what}...");
            }

            TimeSpan period = _terminal ? SpinnerInterval : ReminderInterval;
            _timer = _time.CreateTimer(_ => Tick(), null, period, period);
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_waitingFor is null)
            {
                return;
            }

            if (_terminal)
            {
                Draw();
            }
            else
            {
                _stderr.WriteLine($"Still waiting for {_waitingFor} ({TimeLeft()} left).");
            }
        }
    }

    private void Draw()
    {
        char frame = Frames[_frame++ % Frames.Length];
        _stderr.Write($"{EraseLine}{frame} Waiting for {_waitingFor}... {TimeLeft()} left (Ctrl+C to cancel)");
        _stderr.Flush();
        _drawn = true;
    }

    private void Erase()
    {
        if (_drawn)
        {
            _stderr.Write(EraseLine);
            _stderr.Flush();
            _drawn = false;
        }
    }

    private string TimeLeft()
    {
        TimeSpan left = _deadline - _time.GetUtcNow();
        left = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        return string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalMinutes}:{left.Seconds:00}");
    }
}
