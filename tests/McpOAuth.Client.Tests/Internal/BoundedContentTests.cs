using System.Net.Http.Headers;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class BoundedContentTests
{
    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheCap_ThrowsBeforeReading()
    {
        // DISC-10, TOK-05: Content-Length is checked first
        var stream = new EndlessStream(2_000);
        using var content = new StreamContent(stream);
        content.Headers.ContentLength = 2_000;

        Func<Task> act = () => BoundedContent.ReadAsync(content, 1_000, CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ResponseTooLarge);
        stream.BytesRead.Should().Be(0);
    }

    [Fact]
    public async Task ReadAsync_EndlessStreamWithoutLength_StopsShortlyAfterTheCap()
    {
        // DISC-10: an endless chunked body is aborted at the cap; no OOM
        var stream = new EndlessStream();
        using var content = new StreamContent(stream);

        Func<Task> act = () => BoundedContent.ReadAsync(content, McpOAuthDefaults.MaxResponseBytes, CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ResponseTooLarge);
        stream.BytesRead.Should().BeLessThan(McpOAuthDefaults.MaxResponseBytes + (64 * 1024));
    }

    [Fact]
    public async Task ReadAsync_BodyExactlyAtTheCap_Returned()
    {
        using var content = new StreamContent(new EndlessStream(1_000));

        byte[] body = await BoundedContent.ReadAsync(content, 1_000, CancellationToken.None);

        body.Should().HaveCount(1_000);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("text/html", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, true)]
    public void IsJson_ContentType_JsonOrUnspecified(string? mediaType, bool expected)
    {
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);

        BoundedContent.IsJson(content).Should().Be(expected);
    }
}
