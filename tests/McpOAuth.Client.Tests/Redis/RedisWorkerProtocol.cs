using System.Globalization;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>What the tests and <c>McpOAuth.Client.RedisWorker</c> (a child process) agree on: the credential the lock mode
/// locks, and the lines the provider mode reads and prints.</summary>
/// <remarks>Compiled into the tests and, linked, into the worker.</remarks>
internal static class RedisWorkerProtocol
{
    /// <summary>The credential <c>lock</c> mode holds.</summary>
    public static readonly TokenStoreKey LockKey = new("http://127.0.0.1:9/redis-worker/mcp", "http://127.0.0.1:8", "redis-worker-client", "alice");

    /// <summary>Printed once the lock is held.</summary>
    public const string Locked = "locked";

    /// <summary>Printed when the provider mode is ready for <see cref="Call"/> lines.</summary>
    public const string Ready = "ready";

    /// <summary>A request: advance the worker's clock by some seconds, then send one MCP request.</summary>
    public static string Call(int advanceSeconds, int id) =>
        string.Create(CultureInfo.InvariantCulture, $"call {advanceSeconds} {id}");

    /// <summary>The answer: the MCP server's status code and how many refreshes this worker sent so far.</summary>
    public static string Done(int status, int refreshes) =>
        string.Create(CultureInfo.InvariantCulture, $"done {status} {refreshes}");

    public static (int AdvanceSeconds, int Id)? ParseCall(string line) =>
        line.Split(' ') is ["call", var advance, var id]
            ? (int.Parse(advance, CultureInfo.InvariantCulture), int.Parse(id, CultureInfo.InvariantCulture))
            : null;

    public static (int Status, int Refreshes)? ParseDone(string? line) =>
        line?.Split(' ') is ["done", var status, var refreshes]
            ? (int.Parse(status, CultureInfo.InvariantCulture), int.Parse(refreshes, CultureInfo.InvariantCulture))
            : null;
}
