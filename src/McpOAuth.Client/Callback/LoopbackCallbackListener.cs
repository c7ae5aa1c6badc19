using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>One loopback listener for one authorization response; a minimal, bounded HTTP/1.1 server.</summary>
internal sealed class LoopbackCallbackListener : ICallbackListener
{
    private const int MaxRequestBytes = 16 * 1024;
    private const int MaxConnections = 16;
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly CallbackListenRequest _request;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<CallbackResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connections = new(MaxConnections, MaxConnections);

    // CB-13: the connections still reading their request, oldest first; each one's source cancels that read.
    private readonly LinkedList<CancellationTokenSource> _reading = new();
    private readonly int _port;
    private int _disposed;

    public LoopbackCallbackListener(TcpListener listener, CallbackListenRequest request, TimeProvider time, ILogger logger)
    {
        _listener = listener;
        _request = request;
        _time = time;
        _logger = logger;
        _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        RedirectUri = new Uri($"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}{request.Path}");
    }

    public Uri RedirectUri { get; }

    public void Start() => _ = AcceptLoopAsync();

    public bool TryComplete(Uri redirectedUri)
    {
        ArgumentNullException.ThrowIfNull(redirectedUri);
        if (!redirectedUri.IsAbsoluteUri
            || !string.Equals(redirectedUri.GetLeftPart(UriPartial.Path), RedirectUri.GetLeftPart(UriPartial.Path), StringComparison.Ordinal)
            || _result.Task.IsCompleted)
        {
            return false;
        }

        string query = redirectedUri.Query.Length > 0 ? redirectedUri.Query[1..] : string.Empty;
        _ = Validate(AuthorizationResponse.Parse(query));
        return _result.Task.IsCompleted;
    }

    public async Task<CallbackResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        using var timer = new CancellationTokenSource(_request.Timeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _result.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpOAuthAuthorizationException(
                McpOAuthErrorCode.Timeout,
                $"The sign-in was not completed within {_request.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds.");
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (!_connections.Wait(0))
            {
                // CB-13: every slot is taken. The connection that has waited longest without sending its request makes room,
                // so a local process holding idle connections cannot shut out the browser's callback.
                EvictOldestReader();
                try
                {
                    await _connections.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
                {
                    socket.Dispose();
                    return;
                }
            }

            _ = HandleAsync(socket);
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        try
        {
            using (socket)
            using (var connectionTimeout = new CancellationTokenSource(ConnectionTimeout, _time))
            {
                var stream = new NetworkStream(socket, ownsSocket: false);
                await using (stream.ConfigureAwait(false))
                {
                    string? head = await ReadHeadEvictableAsync(stream, connectionTimeout.Token).ConfigureAwait(false);
                    (int status, string body) = head is null
                        ? (431, Page("Request too large", "The request was rejected."))
                        : Process(head);
                    await WriteResponseAsync(stream, status, body, connectionTimeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A broken or slow connection only affects itself.
        }
        finally
        {
            _connections.Release();
        }
    }

    /// <summary>Reads the request head until the connection times out, or is evicted for a newer one (CB-13).</summary>
    private async Task<string?> ReadHeadEvictableAsync(NetworkStream stream, CancellationToken connectionTimeout)
    {
        var evict = new CancellationTokenSource();
        LinkedListNode<CancellationTokenSource> node;
        lock (_reading)
        {
            node = _reading.AddLast(evict);
        }

        try
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(connectionTimeout, evict.Token);
            return await ReadHeadAsync(stream, read.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_reading)
            {
                if (node.List is not null)
                {
                    _reading.Remove(node);
                }

                evict.Dispose();
            }
        }
    }

    private void EvictOldestReader()
    {
        lock (_reading)
        {
            if (_reading.First is { } oldest)
            {
                _reading.RemoveFirst();
                oldest.Value.Cancel();
            }
        }
    }

    private (int Status, string Body) Process(string head)
    {
        int lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        string requestLine = lineEnd < 0 ? head : head[..lineEnd];
        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return Reject(400, "malformed request line");
        }

        if (parts[0] != "GET")
        {
            return Reject(405, "method not allowed");
        }

        if (!HostIsLoopback(head))
        {
            return Reject(421, "unexpected Host header");
        }

        string target = parts[1];
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? target : target[..q];
        if (!string.Equals(path, _request.Path, StringComparison.Ordinal))
        {
            return Reject(404, "unexpected path");
        }

        if (_result.Task.IsCompleted)
        {
            return (400, Page("Already handled", "This sign-in has already been handled. You can close this tab."));
        }

        return Validate(AuthorizationResponse.Parse(q < 0 ? string.Empty : target[(q + 1)..]));
    }

    /// <summary>The RFC 9207 §2.4 order: duplicates, then state, then iss, then error, then code.</summary>
    private (int Status, string Body) Validate(AuthorizationResponse response)
    {
        if (response.HasRepeatedParameter)
        {
            return Reject(400, "a parameter was repeated");
        }

        if (!AuthorizationResponse.StateMatches(response.State, _request.State))
        {
            // CB-03: a forged or stale response does not end the real sign-in.
            return Reject(400, "state missing or mismatched");
        }

        string? iss = response.Issuer;
        if (iss is null ? _request.IssuerParameterRequired : !string.Equals(iss, _request.ExpectedIssuer, StringComparison.Ordinal))
        {
            string reason = iss is null
                ? $"The authorization response has no 'iss' {_request.IssuerRequiredBecause} (RFC 9207)."
                : "The authorization response's 'iss' does not match the authorization server the request was sent to (RFC 9207); it may come from another server.";
            _logger.CallbackRejected("issuer mismatch");
            _result.TrySetException(new McpOAuthAuthorizationException(McpOAuthErrorCode.IssuerParameterMismatch, reason));
            return (400, Page("Sign-in rejected", "The response did not come from the expected authorization server. You can close this tab."));
        }

        if (response.CarriesTokens)
        {
            return Reject(400, "tokens in the front channel");
        }

        if (response.Error is { } error)
        {
            string? description = response.ErrorDescription;
            _result.TrySetException(response.DeniedError());
            string summary = error == OAuthWireNames.AccessDenied
                ? "The sign-in was declined, so the application was not given access."
                : "The sign-in did not complete.";
            return (400, Page(
                "Sign-in failed",
                (description is null ? $"The authorization server returned {error}." : $"The authorization server returned {error}: {description}")
                + " " + summary + " You can close this tab and return to the application."));
        }

        string? code = response.Code;
        if (string.IsNullOrEmpty(code))
        {
            return Reject(400, "no code");
        }

        if (!_result.TrySetResult(new CallbackResult { Code = code, Issuer = iss }))
        {
            return (400, Page("Already handled", "This sign-in has already been handled. You can close this tab."));
        }

        return (200, Page("Signed in", "Authorization complete. You can close this tab and return to the application."));
    }

    private (int Status, string Body) Reject(int status, string reason)
    {
        _logger.CallbackRejected(reason);
        return (status, Page("Request rejected", "This request is not a valid response to a pending sign-in."));
    }

    private bool HostIsLoopback(string head)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (!line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string host = line[5..].Trim();
            string port = _port.ToString(CultureInfo.InvariantCulture);
            return string.Equals(host, "127.0.0.1:" + port, StringComparison.Ordinal)
                || string.Equals(host, "localhost:" + port, StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxRequestBytes];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            int searchFrom = Math.Max(0, length - 3);
            length += read;
            int end = buffer.AsSpan(searchFrom, length - searchFrom).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return Encoding.Latin1.GetString(buffer, 0, searchFrom + end);
            }
        }

        return null;
    }

    private static async Task WriteResponseAsync(NetworkStream stream, int status, string body, CancellationToken cancellationToken)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        string reason = status switch
        {
            200 => "OK",
            404 => "Not Found",
            405 => "Method Not Allowed",
            421 => "Misdirected Request",
            431 => "Request Header Fields Too Large",
            _ => "Bad Request",
        };
        string head =
            $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\n" +
            "Content-Type: text/html; charset=utf-8\r\n" +
            $"Content-Length: {content.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Cache-Control: no-store\r\n" +
            "Referrer-Policy: no-referrer\r\n" +
            "X-Content-Type-Options: nosniff\r\n" +
            "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n" +
            "Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Page(string title, string message) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + WebUtility.HtmlEncode(title) +
        "</title><style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}</style></head>" +
        "<body><h1>" + WebUtility.HtmlEncode(title) + "</h1><p>" + WebUtility.HtmlEncode(message) + "</p></body></html>";
}
