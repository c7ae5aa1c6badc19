using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests.Stores;

/// <summary>The forms of <c>--store</c> (issue 11 item 4; issue 10 item 1 for <c>keyring</c>): what each becomes, and the mistakes
/// that are usage errors (exit 2) before anything is contacted.</summary>
public sealed class CliStoreLocationTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData(null, "File")]
    [InlineData("", "File")]
    [InlineData("file", "File")]
    [InlineData("keyring", "Keyring")]
    public void Parse_Names_GiveTheirKind(string? value, string kind) =>
        CliStoreLocation.Parse(value, NoEnvironment).Kind.ToString().Should().Be(kind);

    [Theory]
    [InlineData("redis://127.0.0.1", "127.0.0.1:6379,defaultDatabase=0", "redis://127.0.0.1:6379/0")]
    [InlineData("redis://127.0.0.1:6380/2", "127.0.0.1:6380,defaultDatabase=2", "redis://127.0.0.1:6380/2")]
    [InlineData("rediss://cache.internal:6390/", "cache.internal:6390,defaultDatabase=0,ssl=true", "rediss://cache.internal:6390/0")]
    [InlineData("redis://[::1]:7000/1", "[::1]:7000,defaultDatabase=1", "redis://[::1]:7000/1")]
    public void Parse_RedisUrl_BecomesAConfigurationAndAnEndpointToShow(string value, string configuration, string endpoint)
    {
        CliStoreLocation location = CliStoreLocation.Parse(value, NoEnvironment);

        using (new AssertionScope())
        {
            location.Kind.Should().Be(CliStoreKind.Redis);
            location.RedisConfiguration.Should().Be(configuration);
            location.RedisEndpoint.Should().Be(endpoint);
        }
    }

    [Fact]
    public void Parse_PasswordInTheEnvironment_GoesToTheConfigurationButNotTheEndpointShown()
    {
        CliStoreLocation location = CliStoreLocation.Parse("redis://127.0.0.1:6379", name => name == CliStoreLocation.RedisPasswordVariable ? "s3cret" : null);

        using (new AssertionScope())
        {
            location.RedisConfiguration.Should().EndWith(",password=s3cret");
            location.RedisEndpoint.Should().NotContain("s3cret");
        }
    }

    [Theory]
    [InlineData("sqlite://x", "is not one of")]
    [InlineData("Keyring", "is not one of")]
    [InlineData("redis://user:pw@127.0.0.1:6379", "MCP_OAUTH_REDIS_PASSWORD")]
    [InlineData("redis://127.0.0.1:6379/x", "is not a number")]
    [InlineData("redis://127.0.0.1:6379/-1", "is not a number")]
    [InlineData("redis://127.0.0.1:6379/0?ssl=true", "no query")]
    [InlineData("redis://", "is not a URL")]
    public void Parse_Mistake_IsAUsageErrorSayingWhy(string value, string says)
    {
        Action parse = () => CliStoreLocation.Parse(value, NoEnvironment);

        parse.Should().Throw<UsageException>().WithMessage($"*{says}*").Which.Message.Should().NotContain("pw");
    }

    [Fact]
    public async Task Status_UnknownStore_ExitsTwoBeforeTouchingAnything()
    {
        CliOutcome status = await CliHarness.RunAsync("status", "--store", "s3://bucket");

        using (new AssertionScope())
        {
            status.ExitCode.Should().Be(2, status.ToString());
            status.StandardError.Should().Contain("file, keyring or redis://HOST[:PORT][/DB]");
        }
    }
}
