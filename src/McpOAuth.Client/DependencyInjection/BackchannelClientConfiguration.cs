using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Configures every backchannel client the factory builds: the strict-policy clients get the library's primary handler
/// with their policy, and after everything else (post-configure) a primary handler that would follow redirects is switched off,
/// even one the application supplied (NET-05).</summary>
internal sealed class BackchannelClientConfiguration : IConfigureNamedOptions<HttpClientFactoryOptions>, IPostConfigureOptions<HttpClientFactoryOptions>
{
    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (BackchannelFactory.PolicyOf(name) is { RefusePrivateNetworks: true } policy)
        {
            options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = BackchannelFactory.CreatePrimaryHandler(policy));
            options.HttpClientActions.Add(static client => client.Timeout = Timeout.InfiniteTimeSpan);
        }
    }

    public void PostConfigure(string? name, HttpClientFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (BackchannelFactory.PolicyOf(name) is not null)
        {
            options.HttpMessageHandlerBuilderActions.Add(static builder => BackchannelFactory.RefuseRedirects(builder.PrimaryHandler));
        }
    }
}
