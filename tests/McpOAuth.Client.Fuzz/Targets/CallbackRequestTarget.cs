using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// Raw bytes sent to the real loopback callback listener over a real socket (request line, headers, query). Every request gets
/// one complete HTTP/1.1 response with a known status and the security headers; the page never gains markup from the request
/// (CB-06, CB-12); only a request carrying the right <c>state</c> can complete the sign-in (CB-03); a request over 16 KiB is
/// refused (CB-13).
/// </summary>
internal sealed partial class CallbackRequestTarget : FuzzTarget
{
    private const int MaxRequestBytes = 16 * 1024;

    // The fixed page template has exactly this many '<'.
    private const int TemplateTags = 16;

    // Two pending sign-ins per thread, one whose server advertises 'iss' (RFC 9207) and one whose server does not; the input's
    // length picks one, so a finding replays the same way.
    private readonly PerThread<PendingSignIns> _signIns = new(() => new PendingSignIns());

    public override string Name => "callback-request";

    public override string Description => "LoopbackCallbackListener: raw HTTP requests over a loopback socket";

    public override IReadOnlyList<string> Dictionary =>
    [
        "GET ", "POST ", " HTTP/1.1\r\n", "Host: 127.0.0.1:@PORT@\r\n", "Host: localhost:@PORT@\r\n", "\r\n\r\n", "/callback?",
        "state=@STATE@", "iss=@ISS@", "code=fake-code-1", "error=access_denied", "error_description=", "&", "=", "%", "+",
        "access_token=x", "<script>", "%3Cscript%3E",
    ];

    public override bool MeasuresAllocation => false;

    public override int MaxInputLength => MaxRequestBytes + 1024;

    public override void Run(byte[] input)
    {
        PendingSignIn signIn = _signIns.Value.For(input);
        byte[] request = signIn.Fill(input);
        string? response = Exchange(signIn.Port, request);
        if (response is null)
        {
            Properties.That(request.Length > MaxRequestBytes, "the listener closed the connection without a response");
            return;
        }

        Match head = ResponseHead().Match(response);
        Properties.That(head.Success, $"not an HTTP/1.1 response with a known status: {Printer.Escape(response[..Math.Min(80, response.Length)])}");
        int status = int.Parse(head.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string headers = response[..split];
        string body = response[(split + 4)..];
        Properties.That(headers.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", StringComparison.Ordinal), "Content-Length does not match the body");
        Properties.That(headers.Contains("\r\nCache-Control: no-store", StringComparison.Ordinal) && headers.Contains("\r\nContent-Security-Policy: default-src 'none'", StringComparison.Ordinal), "a security header is missing");
        Properties.That(body.Count(c => c == '<') == TemplateTags, "the page gained markup from the request");
        Properties.That(status != 200 || WebUtility.UrlDecode(Encoding.Latin1.GetString(request)).Contains(PendingSignIn.State, StringComparison.Ordinal), "a request without the state completed the sign-in");

        if (body.Contains("<title>Signed in</title>", StringComparison.Ordinal) || body.Contains("<title>Sign-in failed</title>", StringComparison.Ordinal)
            || body.Contains("<title>Sign-in rejected</title>", StringComparison.Ordinal))
        {
            signIn.Renew();
        }
    }

    public override void Dispose()
    {
        _signIns.Dispose();
        base.Dispose();
    }

    /// <summary>Sends the bytes, half-closes, and reads the whole response; null when the listener reset the connection.</summary>
    private static string? Exchange(int port, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        socket.Connect(IPAddress.Loopback, port);
        try
        {
            socket.Send(request);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException) when (request.Length > MaxRequestBytes)
        {
            // The listener answered 431 and closed while the rest was still being sent.
        }

        using var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset && request.Length > MaxRequestBytes)
        {
        }

        // An RST instead of FIN: no TIME_WAIT left behind by a million connections.
        socket.LingerState = new LingerOption(true, 0);
        return received.Length == 0 ? null : Encoding.UTF8.GetString(received.ToArray());
    }

    [GeneratedRegex("^HTTP/1\\.1 (200|400|404|405|421|431) [A-Za-z ]+\r\n")]
    private static partial Regex ResponseHead();
}
