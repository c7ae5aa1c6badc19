namespace McpOAuth.Client.Internal;

/// <summary>Marks an <c>invalid_client</c> from a reused dynamic registration, which one fresh registration may fix (REF-10).</summary>
internal sealed class StaleRegistrationException(McpOAuthException inner)
    : McpOAuthException(McpOAuthErrorCode.InvalidClient, inner.Message, inner);
