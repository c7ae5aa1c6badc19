using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpOAuth.Client.Internal;

/// <summary>A fully read, size-capped backchannel response.</summary>
internal sealed record BackchannelResponse(HttpStatusCode StatusCode, byte[] Body, bool IsJson)
{
    public IReadOnlyList<string> WwwAuthenticate { get; init; } = [];

    /// <summary>A <c>DPoP-Nonce</c> the server handed out (RFC 9449 §8).</summary>
    public string? DpopNonce { get; init; }

    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    /// <summary>The body as JSON of one shape; <see langword="null"/> when it is empty, not JSON, or does not parse.</summary>
    public T? TryReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!IsJson || Body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(Body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"BackchannelResponse {{ StatusCode = {(int)StatusCode}, Length = {Body.Length} }}";
}
