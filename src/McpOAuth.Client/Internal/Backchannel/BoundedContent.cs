using System.Net.Http.Headers;

namespace McpOAuth.Client.Internal;

/// <summary>Reads response bodies with a hard cap, so a hostile server cannot exhaust memory.</summary>
internal static class BoundedContent
{
    public static async Task<byte[]> ReadAsync(HttpContent? content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return [];
        }

        long? declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (declared is { } length)
            {
                // The usual case: read exactly what was announced, into an array of that size.
                byte[] exact = new byte[length];
                int filled = 0;
                while (filled < exact.Length)
                {
                    int n = await stream.ReadAsync(exact.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return exact[..filled];
                    }

                    filled += n;
                }

                if (await stream.ReadAsync(new byte[1].AsMemory(), cancellationToken).ConfigureAwait(false) != 0)
                {
                    throw TooLarge(maxBytes); // More than the server announced: refuse rather than trust either number.
                }

                return exact;
            }

            using var buffer = new MemoryStream(1024);
            byte[] chunk = new byte[4096];
            while (true)
            {
                int read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    public static bool IsJson(HttpContent? content)
    {
        MediaTypeHeaderValue? type = content?.Headers.ContentType;
        if (type?.MediaType is null)
        {
            // Some servers omit Content-Type; the JSON parser decides.
            return true;
        }

        return type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static McpOAuthException TooLarge(int maxBytes) =>
        new(McpOAuthErrorCode.ResponseTooLarge, $"The response body exceeded the limit of {maxBytes} bytes.");
}
