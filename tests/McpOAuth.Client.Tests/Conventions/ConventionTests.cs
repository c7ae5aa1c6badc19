using System.Reflection;

namespace McpOAuth.Client.Tests.Conventions;

public sealed class ConventionTests
{
    // STYLE.md §4: public in ModelContextProtocol.Authentication (a clash is CS0104 for users), plus the SDK's internal names.
    private static readonly string[] McpSdkNames =
    [
        "ClientOAuthOptions", "DynamicClientRegistrationOptions", "DynamicClientRegistrationResponse",
        "ITokenCache", "TokenContainer", "ProtectedResourceMetadata",
        "AuthorizationResult", "AuthorizationCallbackContext",
        "ClientOAuthProvider", "TokenResponse", "AuthorizationServerMetadata",
        "DynamicClientRegistrationRequest", "InMemoryTokenCache", "AuthorizationRedirectDelegate",
    ];

    private static readonly Assembly Library = typeof(McpOAuthOptions).Assembly;

    private static Type[] ExportedTypes => Library.GetExportedTypes();

    [Fact]
    public void ExportedTypes_Exist()
    {
        ExportedTypes.Should().Contain(typeof(IMcpOAuthProvider)).And.Contain(typeof(McpOAuthHandler));
    }

    [Fact]
    public void ExportedClasses_SealedOrStatic_ExceptMcpOAuthException()
    {
        // STYLE §4 Visibility
        Type[] open = [.. ExportedTypes.Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && t != typeof(McpOAuthException))];
        Type[] abstractNotStatic = [.. ExportedTypes.Where(t => t.IsClass && t.IsAbstract && !t.IsSealed)];

        open.Should().BeEmpty();
        abstractNotStatic.Should().BeEmpty();
        typeof(McpOAuthException).IsSealed.Should().BeFalse("it is documented as the base class of the exception family");
    }

    [Fact]
    public void ExportedTypes_NoneInAnInternalNamespace()
    {
        // STYLE §4 Namespaces
        ExportedTypes.Where(t => t.Namespace is { } ns && ns.Contains(".Internal", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public void ExportedTypes_OnlyInMcpOAuthClientOrDependencyInjectionNamespaces()
    {
        // STYLE §4: one using for users, DI extensions where DI users look
        ExportedTypes.Select(t => t.Namespace).Distinct()
            .Should().BeSubsetOf(["McpOAuth.Client", "Microsoft.Extensions.DependencyInjection"]);
    }

    [Fact]
    public void ExportedTypes_NoNameCollidesWithTheMcpCSharpSdk()
    {
        // STYLE §4 "Never reuse these names"
        ExportedTypes.Select(t => t.Name).Should().NotIntersectWith(McpSdkNames);
    }

    [Fact]
    public void PublicAsyncMethods_TakeCancellationTokenLast()
    {
        // STYLE §7 Async
        string[] offenders = [.. PublicMethods()
            .Where(m => IsAwaitable(m.ReturnType) && m.Name != nameof(IAsyncDisposable.DisposeAsync))
            .Where(m => m.GetParameters() is not [.., { ParameterType: var last }] || last != typeof(CancellationToken))
            .Select(Describe)];

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void PublicAsyncMethods_NamedAsync()
    {
        // STYLE §7: every I/O member ends in Async
        string[] offenders = [.. PublicMethods()
            .Where(m => IsAwaitable(m.ReturnType) && !m.Name.EndsWith("Async", StringComparison.Ordinal))
            .Select(Describe)];

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void PublicCancellationTokens_DefaultToNone()
    {
        // STYLE §7: CancellationToken cancellationToken = default
        string[] offenders = [.. PublicMethods()
            .SelectMany(m => m.GetParameters().Where(p => p.ParameterType == typeof(CancellationToken)).Select(p => (m, p)))
            .Where(x => !x.p.HasDefaultValue || x.p.Name != "cancellationToken")
            .Select(x => Describe(x.m))];

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void PublicTypesHoldingSecrets_OverrideToString()
    {
        // STYLE §4 Files and records, §8: a record or result that holds a secret prints none of it
        Type[] holders = [typeof(TokenSet), typeof(ClientRegistration), typeof(PkcePair), typeof(CallbackResult), typeof(CallbackListenRequest), typeof(McpOAuthChallenge), typeof(BrowserLaunchContext)];

        holders.Should().AllSatisfy(t => t.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType.Should().Be(t));
    }

    private static IEnumerable<MethodInfo> PublicMethods() =>
        ExportedTypes.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName);

    private static bool IsAwaitable(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask)
        || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)));

    private static string Describe(MethodInfo method) =>
        $"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
