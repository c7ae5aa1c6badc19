namespace McpOAuth.Client;

/// <summary>Keeps hosted sign-ins between their start and their callback, which may reach another instance of the application.</summary>
/// <remarks>Implementations must be thread-safe, and <see cref="TakeAsync"/> must be atomic: a sign-in is completed at most once
/// (a replayed callback finds nothing). Entries expire after their lifetime.</remarks>
public interface IPendingAuthorizationStore
{
    /// <summary>Keeps a started sign-in under its <c>state</c>.</summary>
    /// <param name="state">The <c>state</c> of the authorization request: 256 random bits.</param>
    /// <param name="pending">The sign-in.</param>
    /// <param name="lifetime">How long it may be completed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the sign-in is kept.</returns>
    ValueTask SaveAsync(string state, PendingAuthorization pending, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the sign-in kept under a <c>state</c>.</summary>
    /// <param name="state">The <c>state</c> the callback carried.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The sign-in, or <see langword="null"/> when none is kept (unknown, already used or expired).</returns>
    ValueTask<PendingAuthorization?> TakeAsync(string state, CancellationToken cancellationToken = default);
}
