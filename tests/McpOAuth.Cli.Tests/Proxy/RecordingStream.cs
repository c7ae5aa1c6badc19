namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>A read-only stream that keeps a copy of every byte read through it: the proxy's standard output exactly as the
/// host received it.</summary>
internal sealed class RecordingStream(Stream inner) : Stream
{
    private readonly MemoryStream _copy = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Gets everything read so far, as UTF-8 text.</summary>
    public string Text
    {
        get
        {
            lock (_copy)
            {
                return System.Text.Encoding.UTF8.GetString(_copy.ToArray());
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        return Keep(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Keep(ReadOnlySpan<byte> bytes)
    {
        lock (_copy)
        {
            _copy.Write(bytes);
        }

        return bytes.Length;
    }
}
