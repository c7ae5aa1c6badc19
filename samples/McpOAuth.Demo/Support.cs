using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Demo;

/// <summary>Prints the walkthrough: numbered steps, and indented lines for what each party did.</summary>
internal static class Narrator
{
    private static readonly Lock Gate = new();
    private static int s_step;

    public static void Step(string title) => Write($"{Environment.NewLine}[{Interlocked.Increment(ref s_step)}] {title}");

    public static void Line(string text) => Write("    " + text);

    /// <summary>A line from one of the parties: "AS", "MCP", "browser" or "client".</summary>
    public static void Party(string who, string text) => Write($"    {who,-7} {text}");

    public static void Write(string text)
    {
        lock (Gate)
        {
            Console.WriteLine(text);
        }
    }
}

/// <summary>Starts a Kestrel app on 127.0.0.1 with an ephemeral port, logging only warnings.</summary>
internal static class LoopbackApp
{
    public static WebApplicationBuilder CreateBuilder()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    /// <summary>Starts the app and returns its origin, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public static async Task<string> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address).GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The embedded servers leave Ctrl+C and SIGTERM to the demo itself, instead of stopping on their own.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
