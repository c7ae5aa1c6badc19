using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class Base64UrlTests
{
    [Fact]
    public void Encode_Rfc7636AppendixBOctets_GivesTheAppendixBVerifier()
    {
        // RFC 7636 Appendix B
        byte[] octets =
        [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
            22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];

        Base64Url.Encode(octets).Should().Be("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    }

    [Theory]
    [InlineData(new byte[0], "")]
    [InlineData(new byte[] { 0xfb }, "-w")]
    [InlineData(new byte[] { 0xfb, 0xff }, "-_8")]
    [InlineData(new byte[] { 0x66, 0x6f, 0x6f }, "Zm9v")]
    public void Encode_Bytes_UrlAlphabetWithoutPadding(byte[] bytes, string expected)
    {
        // RFC 4648 §5
        Base64Url.Encode(bytes).Should().Be(expected);
    }
}
