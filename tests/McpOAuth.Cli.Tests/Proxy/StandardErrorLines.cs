using System.Collections.Concurrent;
using System.Threading.Channels;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>The proxy's standard error, line by line: all of it for assertion messages, and the sign-in URLs it prints.</summary>
internal sealed class StandardErrorLines
{
    private const string UrlPrompt = "Open this URL to sign in:";
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _all = new();

    /// <summary>Gets everything received so far.</summary>
    public string Text => string.Join('\n', _all);

    public void Add(string line)
    {
        _all.Enqueue(line);
        _lines.Writer.TryWrite(line);
    }

    /// <summary>Reads on until the proxy prints a sign-in URL (the line after the prompt), and returns it.</summary>
    public async Task<Uri> WaitForSignInUrlAsync()
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        bool next = false;
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(guard.Token))
            {
                if (next)
                {
                    return new Uri(line.Trim());
                }

                next = line.Contains(UrlPrompt, StringComparison.Ordinal);
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"The proxy printed no sign-in URL. Its standard error:\n{Text}");
    }
}
