using System.Text.Json;
using McpOAuth.Client;
using McpOAuth.Client.ConformanceClient;

// The MCP conformance suite's client under test: the server URL is the last argument; the scenario and its context
// come from MCP_CONFORMANCE_SCENARIO / MCP_CONFORMANCE_CONTEXT. Exit 0 on success, non-zero with one clear line.
if (args.Length == 0 || !Uri.TryCreate(args[^1], UriKind.Absolute, out Uri? serverUri))
{
    await Console.Error.WriteLineAsync("usage: McpOAuth.Client.ConformanceClient <mcp-server-url>");
    return 64;
}

string scenario = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_SCENARIO") ?? string.Empty;
string protocolVersion = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_PROTOCOL_VERSION") ?? "2025-11-25";
ScenarioContext context = ScenarioContext.Parse(Environment.GetEnvironmentVariable("MCP_CONFORMANCE_CONTEXT"));

// The suite's own limit is 30 s and it only kills a wrapper shell: enforce a deadline below it.
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(25));
try
{
    await ConformanceRun.RunAsync(serverUri, scenario, protocolVersion, context, deadline.Token);
    Console.WriteLine($"conformance client: {scenario} completed");
    return 0;
}
catch (OperationCanceledException) when (deadline.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync($"conformance client: {scenario} did not finish within 25 s");
    return 3;
}
catch (McpOAuthException ex)
{
    await Console.Error.WriteLineAsync($"conformance client: {scenario} failed: {ex.Code}: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException or IOException)
{
    await Console.Error.WriteLineAsync($"conformance client: {scenario} failed: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
