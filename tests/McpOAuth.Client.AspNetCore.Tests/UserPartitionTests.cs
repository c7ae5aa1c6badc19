using System.Security.Claims;
using FluentAssertions.Execution;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, item 2: whose partition a web request is in.</summary>
public sealed class UserPartitionTests
{
    [Fact]
    public void Of_SignedInUser_UsesSubThenNameIdentifier()
    {
        var options = new McpOAuthWebAppOptions();

        using (new AssertionScope())
        {
            UserPartition.Of(User(("sub", "alice"), (ClaimTypes.NameIdentifier, "other")), options).Should().Be("alice");
            UserPartition.Of(User((ClaimTypes.NameIdentifier, "bob")), options).Should().Be("bob");
        }
    }

    [Fact]
    public void Of_ConfiguredClaimOrSelector_UsesThem()
    {
        ClaimsPrincipal user = User(("sub", "alice"), ("oid", "object-1"), ("tid", "tenant-1"));

        using (new AssertionScope())
        {
            UserPartition.Of(user, new McpOAuthWebAppOptions { PartitionClaimType = "oid" }).Should().Be("object-1");
            UserPartition.Of(user, new McpOAuthWebAppOptions { PartitionSelector = u => u.FindFirstValue("tid") + "/" + u.FindFirstValue("oid") })
                .Should().Be("tenant-1/object-1");
        }
    }

    [Fact]
    public void Of_AnonymousOrWithoutTheClaim_GetsANewPartitionOfItsOwnNeverTheDefault()
    {
        var options = new McpOAuthWebAppOptions();
        string[] partitions =
        [
            UserPartition.Of(new ClaimsPrincipal(new ClaimsIdentity()), options),
            UserPartition.Of(new ClaimsPrincipal(new ClaimsIdentity()), options),
            UserPartition.Of(User(("name", "no-subject")), options),
            UserPartition.Of(User(("sub", "")), options),
            UserPartition.Of(null, options),
        ];

        using (new AssertionScope())
        {
            partitions.Should().OnlyHaveUniqueItems().And.OnlyContain(p => p.StartsWith(UserPartition.AnonymousPrefix, StringComparison.Ordinal));
            partitions.Should().NotContain(TokenSet.DefaultPartition);
            partitions.Should().OnlyContain(p => p.Length == UserPartition.AnonymousPrefix.Length + 32, "128 random bits");
        }
    }

    [Fact]
    public void Of_SubjectTooLongOrWithControlCharacters_IsHashedStablyInsteadOfFailing()
    {
        var options = new McpOAuthWebAppOptions();
        string longSubject = new('x', 300);

        string first = UserPartition.Of(User(("sub", longSubject)), options);
        string again = UserPartition.Of(User(("sub", longSubject)), options);
        string control = UserPartition.Of(User(("sub", "a\nb")), options);

        using (new AssertionScope())
        {
            first.Should().StartWith("sha256:").And.Be(again);
            control.Should().StartWith("sha256:");
            McpOAuthPartition.Enter(first).Dispose();
        }
    }

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));
}
