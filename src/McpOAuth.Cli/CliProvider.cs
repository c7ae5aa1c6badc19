using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli;

/// <summary>One library call with the provider the flags describe: options from <see cref="CliOptionsFactory"/>, the store
/// of <c>--store</c>, and progress on standard error; the provider, the store and the progress display end with the call.</summary>
internal static class CliProvider
{
    public static async Task<T> RunAsync<T>(
        CliArguments cli,
        CliConsole console,
        ILoggerFactory? logging,
        bool interactive,
        Action<McpOAuthOptions, ProgressDisplay>? configure,
        Func<IMcpOAuthProvider, Task<T>> call)
    {
        using var progress = new ProgressDisplay(console.Error, console.ErrorIsTerminal, console.Time);
        McpOAuthOptions options = CliOptionsFactory.Create(cli, interactive, progress);
        configure?.Invoke(options, progress);
        ITokenStore store = CliStore.Open(cli, logging);
        try
        {
            IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, loggerFactory: logging);
            using (provider as IDisposable)
            {
                return await call(provider);
            }
        }
        finally
        {
            await CliStore.CloseAsync(store);
        }
    }
}
