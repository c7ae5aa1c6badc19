namespace McpOAuth.Client.Internal;

/// <summary>Buffers request content; the cancellable overload exists only on net9+.</summary>
internal static class ContentBuffering
{
    public static Task LoadIntoBufferAsync(HttpContent content, CancellationToken cancellationToken)
    {
#if NET9_0_OR_GREATER
        return content.LoadIntoBufferAsync(cancellationToken);
#else
        cancellationToken.ThrowIfCancellationRequested();
        return content.LoadIntoBufferAsync();
#endif
    }
}
