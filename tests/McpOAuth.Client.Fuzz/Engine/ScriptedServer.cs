using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>A fake authorization server: every request is answered with the input's response, in process, synchronously.</summary>
internal sealed class ScriptedServer : HttpMessageHandler
{
    private HttpEnvelope? _envelope;

    public ScriptedServer()
    {
        Client = new HttpClient(this, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Backchannel = new Backchannel(() => Client, Time, TimeSpan.FromSeconds(30));
    }

    public TimeProvider Time { get; } = new InstantRetryTime();

    public HttpClient Client { get; }

    /// <summary>Gets the library's backchannel (timeouts, capped reads, no redirects) over this server.</summary>
    public Backchannel Backchannel { get; }

    public static NullLogger Logger => NullLogger.Instance;

    public int Requests { get; private set; }

    public void Serve(HttpEnvelope envelope)
    {
        _envelope = envelope;
        Requests = 0;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        return Task.FromResult(_envelope!.ToResponse(request));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client.Dispose();
        }

        base.Dispose(disposing);
    }
}
