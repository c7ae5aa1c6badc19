using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>Builds the library's <see cref="Backchannel"/> over a <see cref="FakeHttpMessageHandler"/>.</summary>
internal static class TestBackchannel
{
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    public static Backchannel Create(FakeHttpMessageHandler handler, TimeProvider time)
    {
        var client = new HttpClient(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return new Backchannel(() => client, time, Timeout);
    }
}
