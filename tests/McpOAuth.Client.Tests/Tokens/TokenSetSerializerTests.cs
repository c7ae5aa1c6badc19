namespace McpOAuth.Client.Tests.Tokens;

public sealed class TokenSetSerializerTests
{
    private static readonly TokenSet Full = new()
    {
        AccessToken = "AT-SECRET-1",
        RefreshToken = "RT-SECRET-1",
        TokenType = "DPoP",
        DpopKey = "DPOP-KEY-1",
        ObtainedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, 123, TimeSpan.Zero),
        ExpiresAt = new DateTimeOffset(2030, 1, 1, 1, 0, 0, 456, TimeSpan.Zero),
        Scopes = ["mcp:read", "mcp:write"],
        Resource = "https://mcp.example.com/mcp",
        Issuer = "https://auth.example.com",
        ClientId = "client-1",
        Partition = "alice",
        Endpoints = ["https://mcp.example.com/mcp", "https://legacy.example.com/*"],
        Registration = new ClientRegistration
        {
            ClientId = "client-1",
            ClientSecret = "DCR-SECRET-1",
            ClientSecretExpiresAt = new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero), // REG-06: kept, so the next run knows
            TokenEndpointAuthMethod = "client_secret_basic",
            Issuer = "https://auth.example.com",
            RedirectUris = ["http://127.0.0.1:49152/callback"],
            Kind = ClientRegistrationKind.Dynamic,
        },
    };

    [Fact]
    public void Serialize_ThenTryDeserialize_RoundTripsEveryField()
    {
        byte[] bytes = TokenSetSerializer.Serialize(Full);

        TokenSetSerializer.TryDeserialize(bytes, out TokenSet? read).Should().BeTrue();
        read.Should().BeEquivalentTo(Full);
        read!.Key.Should().Be(new TokenStoreKey(Full.Resource, Full.Issuer, Full.ClientId, "alice"));
    }

    [Fact]
    public void Serialize_DefaultPartition_WritesNoPartitionMember()
    {
        // Records written before partitions existed read back in the default partition, and new ones stay the same bytes.
        byte[] bytes = TokenSetSerializer.Serialize(Full with { Partition = TokenSet.DefaultPartition });

        System.Text.Encoding.UTF8.GetString(bytes).Should().NotContain("partition");
        TokenSetSerializer.TryDeserialize(bytes, out TokenSet? read).Should().BeTrue();
        read!.Partition.Should().BeEmpty();
    }

    [Fact]
    public void TryDeserialize_RecordWithoutEndpoints_ReadsWithNoEndpoints()
    {
        // RS-01: a record written before endpoints were kept reads back with none; the provider then serves only the URL its
        // resource names. A new record without endpoints writes no member, so older readers see the same bytes.
        byte[] bytes = TokenSetSerializer.Serialize(Full with { Endpoints = [] });

        System.Text.Encoding.UTF8.GetString(bytes).Should().NotContain("endpoints");
        TokenSetSerializer.TryDeserialize(bytes, out TokenSet? read).Should().BeTrue();
        read!.Endpoints.Should().BeEmpty();
    }

    [Fact]
    public void Serialize_PreregisteredClient_NeverWritesItsConfiguredSecret()
    {
        TokenSet tokens = Full with { Registration = Full.Registration! with { Kind = ClientRegistrationKind.Preregistered, ClientSecret = "CONFIGURED-SECRET" } };

        System.Text.Encoding.UTF8.GetString(TokenSetSerializer.Serialize(tokens)).Should().NotContain("CONFIGURED-SECRET");
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"schema_version\":2,\"access_token\":\"at\",\"resource\":\"r\",\"issuer\":\"i\",\"client_id\":\"c\"}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"at\",\"resource\":\"r\",\"issuer\":\"i\"}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"at\",\"resource\":\"r\",\"issuer\":\"i\",\"client_id\":\"c\",\"obtained_at\":-1}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"at\",\"resource\":\"r\",\"issuer\":\"i\",\"client_id\":\"c\",\"partition\":7}")]
    public void TryDeserialize_UnreadableRecord_False(string json)
    {
        TokenSetSerializer.TryDeserialize(System.Text.Encoding.UTF8.GetBytes(json), out TokenSet? read).Should().BeFalse();
        read.Should().BeNull();
    }

    [Theory]
    [InlineData("7")]
    [InlineData("2")]
    [InlineData(" Dynamic")]
    [InlineData("Dynamic, Preregistered")]
    [InlineData("dynamic")]
    public void TryDeserialize_RegistrationKindNotAWrittenName_TokensKeptWithoutTheRegistration(string kind)
    {
        // STORE-07, found by the fuzzer (issue 10): Enum.TryParse read numbers and lists as kinds that do not exist.
        string json = System.Text.Encoding.UTF8.GetString(TokenSetSerializer.Serialize(Full)).Replace("\"Dynamic\"", $"\"{kind}\"", StringComparison.Ordinal);

        TokenSetSerializer.TryDeserialize(System.Text.Encoding.UTF8.GetBytes(json), out TokenSet? read).Should().BeTrue();

        read!.Registration.Should().BeNull();
    }

    [Fact]
    public async Task ListPartitionAsync_DefaultImplementation_ReturnsOnlyThatPartition()
    {
        var store = new InMemoryTokenStore();
        TokenSet alice = Full;
        TokenSet bob = Full with { Partition = "bob", AccessToken = "AT-BOB" };
        TokenSet single = Full with { Partition = TokenSet.DefaultPartition, AccessToken = "AT-DEFAULT" };
        foreach (TokenSet tokens in new[] { alice, bob, single })
        {
            await store.SetAsync(tokens.Key, tokens);
        }

        IReadOnlyList<TokenSet> listed = await ((ITokenStore)store).ListPartitionAsync("bob");

        listed.Should().ContainSingle().Which.AccessToken.Should().Be("AT-BOB");
        (await ((ITokenStore)store).ListPartitionAsync(TokenSet.DefaultPartition)).Should().ContainSingle().Which.AccessToken.Should().Be("AT-DEFAULT");
    }
}
