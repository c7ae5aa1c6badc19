using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("line1\r\nX-Forged: yes", "line1\\u000d\\u000aX-Forged: yes")]
    [InlineData("\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m")]
    [InlineData("tab\there", "tab\\u0009here")]
    public void Escape_ControlCharacters_WrittenAsEscapes(string value, string expected)
    {
        // WWWA-09, LOG-03: no log forging or terminal escape injection
        SafeText.Escape(value).Should().Be(expected);
    }

    [Fact]
    public void Escape_Null_SaysNone()
    {
        SafeText.Escape(null).Should().Be("(none)");
    }

    [Fact]
    public void Escape_LongText_Truncated()
    {
        string escaped = SafeText.Escape(new string('a', 10_000));

        escaped.Length.Should().BeLessThan(300);
        escaped.Should().EndWith("…");
    }

    [Fact]
    public void Escape_LongTextOfControlCharacters_NeverLongerThanTheCapPlusTheEllipsis()
    {
        // LOG-03, found by the fuzzer (issue 10): escapes appended after the length check ran up to 261 characters.
        string escaped = SafeText.Escape(new string('a', 255) + new string('\u0017', 10));

        escaped.Length.Should().BeLessThanOrEqualTo(257);
        escaped.Should().Be(new string('a', 255) + "…");
    }

    // LOG-03: the CLI prints whole messages (which may quote server text) escaped but never cut.
    [Fact]
    public void Escape_WithoutLengthLimit_EscapesEveryControlCharacterAndKeepsAllText()
    {
        string message = new string('a', 1_000) + "\u001b[2J" + new string('b', 1_000);

        string escaped = SafeText.Escape(message, int.MaxValue);

        escaped.Should().Be(new string('a', 1_000) + "\\u001b[2J" + new string('b', 1_000));
    }
}
