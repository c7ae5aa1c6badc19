using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What the programmable loopback servers share: one Kestrel host on <c>http://127.0.0.1:PORT</c> from
/// <see cref="LoopbackHost"/>, stopped again when the start fails, and a log of every request.</summary>
public abstract class LoopbackTestServer : IAsyncDisposable
{
    private readonly RequestLog _log;
    private WebApplication? _app;
    private Uri? _baseUri;

    private protected LoopbackTestServer(Func<TimeProvider> timeProvider) => _log = new RequestLog(timeProvider);

    /// <summary>Gets the server origin, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseUri => _baseUri ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Gets a snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>Gets the origin without a trailing slash.</summary>
    private protected string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the requests whose path is exactly <paramref name="path"/>, e.g. <c>/tenant1/token</c>.</summary>
    /// <param name="path">The full request path.</param>
    /// <returns>The matching requests, in arrival order.</returns>
    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => _log.To(path);

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when Kestrel has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops Kestrel; a server with more to release adds it.</summary>
    private protected virtual ValueTask DisposeCoreAsync() => LoopbackHost.StopAsync(_app);

    /// <summary>Starts <paramref name="server"/> on an ephemeral port; disposes it if Kestrel does not start.</summary>
    private protected static async Task<TServer> StartAsync<TServer>(TServer server)
        where TServer : LoopbackTestServer
    {
        try
        {
            (server._app, server._baseUri) = await LoopbackHost.StartAsync(context => server._log.HandleAsync(context, server.DispatchAsync));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Answers one recorded request.</summary>
    private protected abstract Task DispatchAsync(HttpContext context, RecordedRequest request);
}
