using System.Diagnostics.CodeAnalysis;
using McpOAuth.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces McpOAuth.Client's default services.</summary>
public static class McpOAuthBuilderExtensions
{
    /// <summary>Uses a token store type instead of the in-memory default.</summary>
    /// <typeparam name="TStore">The store type, created by the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMcpOAuthBuilder UseTokenStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(
        this IMcpOAuthBuilder builder)
        where TStore : class, ITokenStore =>
        Replace<ITokenStore, TStore>(builder);

    /// <summary>Keeps tokens in files in a directory (<see cref="FileTokenStore"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The directory that holds the token files.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or whitespace.</exception>
    public static IMcpOAuthBuilder UseFileTokenStore(this IMcpOAuthBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITokenStore>(sp =>
            new FileTokenStore(new FileTokenStoreOptions { Directory = directory }, sp.GetService<ILogger<FileTokenStore>>(), sp.GetService<TimeProvider>())));
        return builder;
    }

    /// <summary>Uses a callback receiver type instead of <see cref="LoopbackCallbackReceiver"/>.</summary>
    /// <typeparam name="TReceiver">The receiver type, created by the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMcpOAuthBuilder UseCallbackReceiver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TReceiver>(
        this IMcpOAuthBuilder builder)
        where TReceiver : class, ICallbackReceiver =>
        Replace<ICallbackReceiver, TReceiver>(builder);

    private static IMcpOAuthBuilder Replace<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(
        IMcpOAuthBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());
        return builder;
    }
}
