using System.Diagnostics;

namespace McpOAuth.Client.Internal;

/// <summary>A span per token store operation and a count of its failures, around whatever store the application chose. The
/// store is never on the hot path, so this costs nothing per request.</summary>
internal sealed class InstrumentedTokenStore(ITokenStore inner, Telemetry telemetry) : ITokenStore
{
    public ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        RunAsync("get", () => inner.GetAsync(key, cancellationToken));

    public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default) =>
        await RunAsync("set", async () =>
        {
            await inner.SetAsync(key, tokens, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    public async ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        await RunAsync("remove", async () =>
        {
            await inner.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        RunAsync("lock", () => inner.LockAsync(key, cancellationToken));

    public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default) =>
        RunAsync("list", () => inner.ListAsync(cancellationToken));

    /// <summary>Forwarded, so a store's own index (Redis, for one user among many) is used.</summary>
    public ValueTask<IReadOnlyList<TokenSet>> ListPartitionAsync(string partition, CancellationToken cancellationToken = default) =>
        RunAsync("list", () => inner.ListPartitionAsync(partition, cancellationToken));

    /// <summary>The store the application chose, for callers that look for its capabilities.</summary>
    public ITokenStore Inner => inner;

    private async ValueTask<T> RunAsync<T>(string operation, Func<ValueTask<T>> work)
    {
        using Activity? activity = Telemetry.Source.StartActivity(McpOAuthTelemetry.StoreActivity, ActivityKind.Internal);
        activity?.SetTag("mcpoauth.store.operation", operation);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            telemetry.StoreErrors.Add(1, new KeyValuePair<string, object?>("operation", operation));
            activity?.SetStatus(ActivityStatusCode.Error, Telemetry.OutcomeOf(ex));
            activity?.SetTag("error.type", Telemetry.OutcomeOf(ex));
            throw;
        }
    }
}
