using Microsoft.Extensions.DependencyInjection;

namespace McpOAuth.Client.Internal;

internal sealed record McpOAuthBuilder(string Name, IServiceCollection Services) : IMcpOAuthBuilder;
