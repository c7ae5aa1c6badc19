using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli;

/// <summary>The file token store of <c>--store-dir</c> (else the default location).</summary>
internal static class CliStore
{
    public static FileTokenStore Open(CliArguments cli, ILoggerFactory? logging) =>
        new(new FileTokenStoreOptions { Directory = cli.StoreDir }, logging?.CreateLogger<FileTokenStore>());
}
