using System.Globalization;
using System.Net;
using System.Text;
using McpOAuth.Client.Tests.TestDoubles;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>
/// A server response written as an input: an optional HTTP-like head (<c>HTTP 400</c>, header lines, a blank line) and a
/// body. Without a head the whole input is a 200 <c>application/json</c> body. Test-only headers shape the body:
/// <c>X-Fuzz-Repeat: N</c> repeats it to N bytes (streamed, never held), <c>X-Fuzz-No-Length</c> drops Content-Length,
/// <c>X-Fuzz-Length: N</c> declares a length that may lie. Other <c>X-Fuzz-*</c> headers steer the target.
/// </summary>
internal sealed class HttpEnvelope
{
    public const long MaxRepeat = 8L * 1024 * 1024;

    private HttpEnvelope(HttpStatusCode status, List<KeyValuePair<string, string>> headers, byte[] body)
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    public HttpStatusCode Status { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    /// <summary>Gets how many body bytes the response really carries.</summary>
    public long BodyLength => Header("X-Fuzz-Repeat") is { } n && long.TryParse(n, CultureInfo.InvariantCulture, out long r) && r > 0
        ? Math.Min(r, MaxRepeat)
        : Body.Length;

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> All(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public bool Flag(string name) => Header(name) is { } v && v != "0";

    public static HttpEnvelope Parse(byte[] input)
    {
        if (!input.AsSpan().StartsWith("HTTP"u8))
        {
            return new HttpEnvelope(HttpStatusCode.OK, [], input);
        }

        int end = input.AsSpan().IndexOf("\n\n"u8);
        int crlf = input.AsSpan().IndexOf("\r\n\r\n"u8);
        (int headEnd, int bodyStart) = crlf >= 0 && (end < 0 || crlf < end) ? (crlf, crlf + 4) : end >= 0 ? (end, end + 2) : (input.Length, input.Length);
        string[] lines = Encoding.Latin1.GetString(input, 0, headEnd).Split('\n');
        string[] statusLine = lines[0].TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int status = statusLine.Length > 1 && int.TryParse(statusLine[1], CultureInfo.InvariantCulture, out int s) && s is >= 100 and <= 599 ? s : 200;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].TrimEnd('\r').Trim(' ', '\t')));
            }
        }

        return new HttpEnvelope((HttpStatusCode)status, headers, input[Math.Min(bodyStart, input.Length)..]);
    }

    /// <summary>The response, as a server would send it.</summary>
    public HttpResponseMessage ToResponse(HttpRequestMessage request)
    {
        HttpContent content;
        long length = BodyLength;
        if (length != Body.Length || Flag("X-Fuzz-No-Length") || Header("X-Fuzz-Length") is not null)
        {
            content = new StreamContent(new EndlessStream(length, Body));
            if (!Flag("X-Fuzz-No-Length"))
            {
                content.Headers.ContentLength = Header("X-Fuzz-Length") is { } declared && long.TryParse(declared, CultureInfo.InvariantCulture, out long d) && d >= 0
                    ? d
                    : length;
            }
        }
        else
        {
            content = new ByteArrayContent(Body);
        }

        string contentType = Header("Content-Type") ?? "application/json";
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = new HttpResponseMessage(Status) { Content = content, RequestMessage = request };
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (!header.Key.StartsWith("X-Fuzz-", StringComparison.OrdinalIgnoreCase)
                && !header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return response;
    }
}
