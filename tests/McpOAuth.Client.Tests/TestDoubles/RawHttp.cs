using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>Sends hand-written HTTP/1.1 requests over TCP, so tests control the request line and every header.</summary>
public static class RawHttp
{
    /// <summary>A GET with a correct Host header for the loopback port.</summary>
    public static Task<RawHttpResponse> GetAsync(Uri redirectUri, string pathAndQuery) =>
        SendAsync(redirectUri.Port, $"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{redirectUri.Port}\r\nConnection: close\r\n\r\n");

    /// <summary>GET of the redirect URI's path with a query.</summary>
    public static Task<RawHttpResponse> CallbackAsync(Uri redirectUri, string query) =>
        GetAsync(redirectUri, redirectUri.AbsolutePath + "?" + query);

    public static async Task<RawHttpResponse> SendAsync(int port, string request)
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port, guard.Token);
        NetworkStream stream = client.GetStream();
        byte[] bytes = Encoding.ASCII.GetBytes(request);

        // The server may answer and close before reading everything (431); a failed write is then expected.
        Task write = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(bytes, guard.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
            }
        });

        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer, guard.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the response arrived (the server closed with unread request bytes).
        }

        await write.WaitAsync(TestTimeouts.Default);
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    /// <summary>Whether anything accepts TCP connections on the address and port.</summary>
    public static async Task<bool> CanConnectAsync(IPAddress address, int port)
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            using var client = new TcpClient(address.AddressFamily);
            await client.ConnectAsync(address, port, guard.Token);
            return true;
        }
        catch (SocketException)
        {
            // Refused, or the address family is not available here: either way nothing accepts there.
            return false;
        }
    }

    private static RawHttpResponse Parse(string text)
    {
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            throw new InvalidOperationException($"No complete HTTP response was received ({text.Length} characters).");
        }

        string[] lines = text[..headEnd].Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new RawHttpResponse(status, headers, text[(headEnd + 4)..]);
    }
}
