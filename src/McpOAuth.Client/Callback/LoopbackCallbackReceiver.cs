using System.Net;
using System.Net.Sockets;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>Receives the authorization response on a loopback listener bound to 127.0.0.1 only (RFC 8252 §7.3, §8.3).</summary>
/// <remarks>
/// <para>Each sign-in gets its own listener, on an ephemeral port unless one is configured. It answers <c>GET</c> on one path
/// only, checks the <c>Host</c> header, and validates <c>state</c> first and then <c>iss</c> (RFC 9207 §2.4) before it looks at
/// <c>code</c> or <c>error</c>. A request with a wrong <c>state</c> gets an error page and the sign-in keeps waiting; an
/// <c>iss</c> mismatch with the right <c>state</c> ends the sign-in. It accepts one code, then closes the port.</para>
/// <para>Pages are static apart from HTML-encoded error text, and are sent with <c>Cache-Control: no-store</c>,
/// <c>Referrer-Policy: no-referrer</c> and a <c>default-src 'none'</c> content security policy.</para>
/// </remarks>
public sealed class LoopbackCallbackReceiver : ICallbackReceiver
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LoopbackCallbackReceiver"/> class.</summary>
    /// <param name="timeProvider">The clock for timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Receives warnings about rejected callback requests; never a code or <c>state</c>.</param>
    public LoopbackCallbackReceiver(TimeProvider? timeProvider = null, ILogger<LoopbackCallbackReceiver>? logger = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public Task<ICallbackListener> ListenAsync(CallbackListenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "The callback port must be between 0 and 65535.");
        }

        if (string.IsNullOrEmpty(request.Path) || request.Path[0] != '/')
        {
            throw new ArgumentException("The callback path must start with '/'.", nameof(request));
        }

        TcpListener listener = Bind(request);
        var session = new LoopbackCallbackListener(listener, request, _time, _logger);
        session.Start();
        return Task.FromResult<ICallbackListener>(session);
    }

    private static TcpListener Bind(CallbackListenRequest request)
    {
        try
        {
            return Start(request.Port);
        }
        catch (SocketException) when (request.Port != 0 && request.AllowPortFallback)
        {
            return Start(0);
        }
        catch (SocketException ex)
        {
            throw new McpOAuthAuthorizationException(
                McpOAuthErrorCode.CallbackPortUnavailable,
                $"The loopback callback port {request.Port} could not be opened ({ex.SocketErrorCode}); another program may be using it.",
                ex);
        }

        static TcpListener Start(int port)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start(16);
            return listener;
        }
    }
}
