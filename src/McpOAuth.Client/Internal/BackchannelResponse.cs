using System.Net;

namespace McpOAuth.Client.Internal;

/// <summary>A fully read, size-capped backchannel response.</summary>
internal sealed record BackchannelResponse(HttpStatusCode StatusCode, byte[] Body, bool IsJson)
{
    public IReadOnlyList<string> WwwAuthenticate { get; init; } = [];

    /// <summary>A <c>DPoP-Nonce</c> the server handed out (RFC 9449 §8).</summary>
    public string? DpopNonce { get; init; }

    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    public override string ToString() => $"BackchannelResponse {{ StatusCode = {(int)StatusCode}, Length = {Body.Length} }}";
}
