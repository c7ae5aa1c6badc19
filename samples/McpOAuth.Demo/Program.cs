using McpOAuth.Demo;

// The McpOAuth.Client demo:
//   dotnet run --project samples/McpOAuth.Demo                   whole sign-in against in-process demo servers, then exit
//   dotnet run --project samples/McpOAuth.Demo -- --auto-approve approve the consent page over HTTP instead of in a browser
//   dotnet run --project samples/McpOAuth.Demo -- --serve        keep the demo servers running for the other samples
//   dotnet run --project samples/McpOAuth.Demo -- https://server/mcp   sign in to a real MCP server and list its tools
//   add --trace to any of these to print the library's spans as they end
bool trace = args.Contains("--trace");
bool autoApprove = args.Contains("--auto-approve");
bool serve = args.Contains("--serve");
string? url = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
if (args.Any(a => a is "-h" or "--help") || args.Any(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--auto-approve" or "--serve" or "--trace")))
{
    Console.WriteLine("usage: McpOAuth.Demo [--trace] [--auto-approve] | --serve | <mcp-server-url>");
    return args.Contains("-h") || args.Contains("--help") ? 0 : 64;
}

using SpanPrinter? spans = trace ? new SpanPrinter() : null;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (url is not null)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? serverUri))
        {
            Console.Error.WriteLine($"Not an absolute URL: {url}");
            return 64;
        }

        return await RealServer.SignInAndListToolsAsync(serverUri, cancel.Token);
    }

    return serve
        ? await Walkthrough.ServeAsync(cancel.Token)
        : await Walkthrough.RunAsync(autoApprove, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or IOException)
{
    Console.Error.WriteLine($"The demo failed: {ex}");
    return 1;
}
