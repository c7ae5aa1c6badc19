namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A non-seekable stream with no declared length, like a chunked response that never ends: spaces, or a pattern again
/// and again, up to a length, without holding the whole body. Also linked into the fuzz project (huge bodies).</summary>
public sealed class EndlessStream : Stream
{
    private readonly byte[] _pattern;
    private long _remaining;

    public EndlessStream(long length = long.MaxValue, byte[]? pattern = null)
    {
        _remaining = length;
        _pattern = pattern is { Length: > 0 } ? pattern : " "u8.ToArray();
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, _remaining);
        for (int i = 0; i < n; i++)
        {
            buffer[i] = _pattern[(int)((BytesRead + i) % _pattern.Length)];
        }

        _remaining -= n;
        BytesRead += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
