namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the McpOAuth.Client services registered by <c>AddMcpOAuth()</c>.</summary>
public interface IMcpOAuthBuilder
{
    /// <summary>Gets the options name, which is also the name of the <see cref="System.Net.Http.HttpClient"/> it serves.</summary>
    string Name { get; }

    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}
