using McpOAuth.Client;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Cli.Proxy;

/// <summary>How a relay ended.</summary>
internal enum RelayEnd
{
    /// <summary>The host closed its side (standard input reached its end).</summary>
    HostClosed,

    /// <summary>The run was cancelled (SIGTERM or Ctrl+C).</summary>
    Cancelled,

    /// <summary>The remote server ended the session (for example HTTP 404 for its session id).</summary>
    RemoteClosed,
}

/// <summary>Relays every JSON-RPC message between two MCP SDK transports, unchanged: the host's (stdio) to the remote
/// server's (Streamable HTTP) and back. It parses nothing itself: the SDK's transports frame and parse the messages, and the
/// relay only decides what happens when a message cannot be delivered.</summary>
/// <remarks>
/// <para>Messages from the host are sent concurrently, as a host may send a cancellation while a tool call runs, except
/// the handshake (<c>initialize</c>, <c>server/discover</c>): the remote transport learns the session id and protocol
/// version from its answer, so nothing is sent after it until it is answered.</para>
/// <para>A request that cannot be delivered (the sign-in was denied, the server is down, HTTP 5xx) is answered to the host
/// with a JSON-RPC error for its id, so the host never waits for an answer that cannot come; a notification or a response
/// that cannot be delivered is reported on standard error.</para>
/// </remarks>
internal sealed class McpMessageRelay
{
    private readonly ITransport _host;
    private readonly ITransport _remote;
    private readonly TextWriter _stderr;
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _inFlight = [];

    public McpMessageRelay(ITransport host, ITransport remote, TextWriter stderr)
    {
        _host = host;
        _remote = remote;
        _stderr = stderr;
    }

    /// <summary>Relays until the host closes, the run is cancelled or the remote session ends; then stops what is still being
    /// sent, closes the remote side with <paramref name="closeRemote"/> (which ends the session) and forwards what the remote
    /// delivered before it closed.</summary>
    /// <remarks>The SDK's stdio transport writes nothing once its input has ended, so requests still in flight when the host
    /// closes standard input are abandoned rather than awaited.</remarks>
    public async Task<RelayEnd> RunAsync(Func<ValueTask> closeRemote, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task fromHost = ForwardFromHostAsync(stop.Token);
        Task fromRemote = ForwardFromRemoteAsync(cancellationToken);
        Task first = await Task.WhenAny(fromHost, fromRemote).ConfigureAwait(false);
        RelayEnd end = cancellationToken.IsCancellationRequested ? RelayEnd.Cancelled
            : first == fromHost ? RelayEnd.HostClosed
            : RelayEnd.RemoteClosed;

        await stop.CancelAsync().ConfigureAwait(false);
        await fromHost.ConfigureAwait(false);
        await Task.WhenAll(Snapshot()).ConfigureAwait(false);
        await closeRemote().ConfigureAwait(false);
        await fromRemote.ConfigureAwait(false);
        return end;
    }

    private async Task ForwardFromHostAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (JsonRpcMessage message in _host.MessageReader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Task send = SendToRemoteAsync(message, cancellationToken);
                if (message is JsonRpcRequest { Method: RequestMethods.Initialize or "server/discover" })
                {
                    await send.ConfigureAwait(false);
                    continue;
                }

                Track(send);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ForwardFromRemoteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (JsonRpcMessage message in _remote.MessageReader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _host.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    await ReportAsync($"could not write to the host ({ex.Message})").ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ClientTransportClosedException)
        {
            // The remote transport closed: disposed by RunAsync, or the server ended the session (HTTP 404).
        }
    }

    private async Task SendToRemoteAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _remote.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is McpOAuthException or McpException or HttpRequestException or IOException
            or InvalidOperationException or OperationCanceledException)
        {
            string reason = Describe(ex);
            await ReportAsync($"{Name(message)} was not delivered: {reason}").ConfigureAwait(false);
            if (message is JsonRpcRequest request)
            {
                await AnswerWithErrorAsync(request, ex, reason, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AnswerWithErrorAsync(JsonRpcRequest request, Exception ex, string reason, CancellationToken cancellationToken)
    {
        var error = new JsonRpcError
        {
            Id = request.Id,
            Error = new JsonRpcErrorDetail
            {
                Code = (int)(ex is McpProtocolException protocol ? protocol.ErrorCode : McpErrorCode.InternalError),
                Message = $"mcp-oauth proxy: the remote MCP server could not be reached: {reason}",
            },
        };
        try
        {
            await _host.SendMessageAsync(error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception sendFailure) when (sendFailure is IOException or OperationCanceledException)
        {
            // The host is gone; nothing to answer.
        }
    }

    private void Track(Task send)
    {
        lock (_gate)
        {
            _inFlight.Add(send);
        }

        _ = send.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _inFlight.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _inFlight];
        }
    }

    private Task ReportAsync(string text) => _stderr.WriteLineAsync($"mcp-oauth proxy: {text}");

    /// <summary>A failure in words that carry no secret: the library's messages never hold one, and server text is escaped.</summary>
    private static string Describe(Exception ex) => CliText.SafeMessage(ex.Message);

    private static string Name(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest request => $"request {CliText.Safe(request.Method)} ({request.Id})",
        JsonRpcNotification notification => $"notification {CliText.Safe(notification.Method)}",
        JsonRpcMessageWithId reply => $"the answer to request {reply.Id}",
        _ => "a message",
    };
}
