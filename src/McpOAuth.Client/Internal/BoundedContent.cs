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
            using var buffer = new MemoryStream(declared is > 0 ? (int)declared.Value : 4096);
            byte[] chunk = new byte[16 * 1024];
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
