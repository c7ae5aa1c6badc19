namespace McpOAuth.Samples.WebApp;

/// <summary>Where the sample keeps what its instances must share: in memory (one instance), or in Redis (<c>--redis</c>).</summary>
internal static class SampleStorage
{
    public static void Configure(WebApplicationBuilder builder, IMcpOAuthBuilder oauth, SampleArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(oauth);
        if (arguments.Redis is not null)
        {
            throw new NotSupportedException("--redis needs McpOAuth.Client.Redis (not merged yet).");
        }
    }
}
