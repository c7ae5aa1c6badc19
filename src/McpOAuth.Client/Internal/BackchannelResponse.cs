using System.Net;

namespace McpOAuth.Client.Internal;

/// <summary>A fully read, size-capped backchannel response.</summary>
internal sealed record BackchannelResponse(HttpStatusCode StatusCode, byte[] Body, bool IsJson)
{
    public IReadOnlyList<string> WwwAuthenticate { get; init; } = [];

    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    public override string ToString() => $"BackchannelResponse {{ StatusCode = {(int)StatusCode}, Length = {Body.Length} }}";
}
