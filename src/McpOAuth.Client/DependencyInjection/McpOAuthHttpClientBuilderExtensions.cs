using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="McpOAuthHandler"/> to an <see cref="HttpClient"/> built by <see cref="IHttpClientFactory"/>.</summary>
public static class McpOAuthHttpClientBuilderExtensions
{
    /// <summary>Adds the handler, using the options whose name is the client's name (or the default options when none were named so).</summary>
    /// <param name="builder">The HTTP client builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Call <c>AddMcpOAuth()</c> first. Never add the handler to <see cref="McpOAuthDefaults.BackchannelHttpClientName"/>.</remarks>
    public static IHttpClientBuilder AddMcpOAuthHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMcpOAuthHandler(builder.Name);
    }

    /// <summary>Adds the handler, using the named options.</summary>
    /// <param name="builder">The HTTP client builder.</param>
    /// <param name="optionsName">The options name given to <c>AddMcpOAuth</c>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The client is the backchannel client.</exception>
    public static IHttpClientBuilder AddMcpOAuthHandler(this IHttpClientBuilder builder, string optionsName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(optionsName);
        if (string.Equals(builder.Name, McpOAuthDefaults.BackchannelHttpClientName, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The OAuth backchannel client must not carry McpOAuthHandler: it would recurse.");
        }

        return builder.AddHttpMessageHandler(sp =>
        {
            // The name given to AddMcpOAuth, however its options were configured (Configure, Bind, PostConfigure).
            McpOAuthNames registered = sp.GetRequiredService<IOptions<McpOAuthNames>>().Value;
            string name = registered.Contains(optionsName) ? optionsName : Options.Options.DefaultName;
            return new McpOAuthHandler(sp.GetRequiredService<McpOAuthProviderRegistry>().Get(name));
        });
    }
}
