using System.Text;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class OAuthErrorsTests
{
    private const string Secret = "s3cret-VALUE+/= 42";

    [Theory]
    [InlineData("leak-client")]
    [InlineData("ab")]
    [InlineData("abc")]
    public void Redact_EchoedBasicCredential_RedactsTheWholeBase64(string clientId)
    {
        // Issue 10 item 5, LOG-02 (found by SecretLeakTests): a server echoing the Authorization header it was sent. Client ids
        // of every length modulo 3, so the secret's own Base64 may or may not sit inside the credential's.
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + FormUrlEncoding.Encode(Secret)));

        string? redacted = OAuthErrors.Redact($"bad credentials: Basic {basic}.", [], Secret);

        redacted.Should().Be("bad credentials: Basic [redacted].");
    }

    [Fact]
    public void Redact_Base64OfTheSecretAlone_Redacted()
    {
        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret));

        OAuthErrors.Redact("x " + encoded + " y", [], Secret).Should().Be("x [redacted] y");
    }

    [Fact]
    public void Redact_Base64ThatHoldsNoSecret_Kept()
    {
        const string text = "error at aGVsbG8gd29ybGQ= and c29tZXRoaW5nLWVsc2U";

        OAuthErrors.Redact(text, [], Secret).Should().Be(text);
    }
}
