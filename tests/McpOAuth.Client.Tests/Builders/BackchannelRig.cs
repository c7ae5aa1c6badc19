using System.Net;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Builders;

/// <summary>A backchannel over an in-memory network and a fake clock, and the token-endpoint client over it: the set-up
/// of every test of a wire exchange that needs no Kestrel and no sockets.</summary>
internal class BackchannelRig : IDisposable
{
    public const string Issuer = "https://auth.example.com";
    public const string TokenUrl = Issuer + "/token";
    public const string Resource = "https://mcp.example.com/mcp";

    public BackchannelRig(Telemetry? telemetry = null)
    {
        Backchannel = TestBackchannel.Create(Network, Time);
        Tokens = new TokenEndpointClient(Backchannel, Time, Logger, telemetry);
    }

    public FakeHttpMessageHandler Network { get; } = new();

    public ObservableTimeProvider Time { get; } = new();

    public CapturingLogger Logger { get; } = new();

    public Backchannel Backchannel { get; }

    public TokenEndpointClient Tokens { get; }

    /// <summary>The token endpoint (<see cref="TokenUrl"/>) answers every POST with <paramref name="json"/>.</summary>
    public void RespondWith(string json, HttpStatusCode status = HttpStatusCode.OK) => Network.OnPost(TokenUrl, FakeResponse.Json(json, status));

    public void Dispose() => Network.Dispose();
}
