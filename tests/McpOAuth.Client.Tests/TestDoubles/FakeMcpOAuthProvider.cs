using System.Collections.Concurrent;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>
/// A credential source with scripted tokens: the first is held before any challenge (or none, when it is null), and each
/// challenge answers with the next. It records every challenge and nonce it was given.
/// </summary>
public sealed class FakeMcpOAuthProvider : IMcpOAuthCredentialSource
{
    private readonly Queue<string> _next;
    private readonly ConcurrentQueue<McpOAuthChallenge> _challenges = new();
    private readonly ConcurrentQueue<string> _nonces = new();
    private McpOAuthCredential? _current;

    public FakeMcpOAuthProvider(string? current, params string[] next)
    {
        _current = current is null ? null : new McpOAuthCredential("Bearer", current);
        _next = new Queue<string>(next);
    }

    public int MaxAuthorizationAttempts { get; init; } = 3;

    /// <summary>Thrown by <see cref="HandleChallengeAsync"/> instead of answering, when set.</summary>
    public McpOAuthException? ChallengeError { get; init; }

    public IReadOnlyList<McpOAuthChallenge> Challenges => [.. _challenges];

    public IReadOnlyList<string> Nonces => [.. _nonces];

    public int CredentialRequests { get; private set; }

    public ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default)
    {
        CredentialRequests++;
        return ValueTask.FromResult(_current);
    }

    public Task<McpOAuthCredential> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
    {
        _challenges.Enqueue(challenge);
        if (ChallengeError is { } error)
        {
            return Task.FromException<McpOAuthCredential>(error);
        }

        lock (_next)
        {
            _current = new McpOAuthCredential("Bearer", _next.Count > 1 ? _next.Dequeue() : _next.Peek());
        }

        return Task.FromResult(_current);
    }

    public void RememberDpopNonce(Uri requestUri, string nonce) => _nonces.Enqueue(nonce);
}
