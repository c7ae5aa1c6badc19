namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A callback receiver without a socket: the listener's redirect URI is fixed, and the authorization response is the
/// code the test gives (or an exception), delivered as soon as the flow waits for it.</summary>
public sealed class FakeCallbackReceiver : ICallbackReceiver
{
    private readonly Func<CallbackListenRequest, Task<CallbackResult>> _respond;

    public FakeCallbackReceiver(Func<CallbackListenRequest, Task<CallbackResult>> respond)
    {
        _respond = respond;
    }

    public List<CallbackListenRequest> Requests { get; } = [];

    public Task<ICallbackListener> ListenAsync(CallbackListenRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        int port = request.Port == 0 ? 49152 : request.Port;
        return Task.FromResult<ICallbackListener>(new Listener(new Uri($"http://127.0.0.1:{port}{request.Path}"), () => _respond(request)));
    }

    private sealed class Listener(Uri redirectUri, Func<Task<CallbackResult>> respond) : ICallbackListener
    {
        public Uri RedirectUri { get; } = redirectUri;

        public bool TryComplete(Uri redirectedUri) => false;

        public Task<CallbackResult> WaitAsync(CancellationToken cancellationToken = default) => respond();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
