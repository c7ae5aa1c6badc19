namespace McpOAuth.Client.Tests.RealServer;

/// <summary>How a run of a program (the CLI, a benchmark child, the StoreWriter) ended: its exit code, what it printed, and a transcript for assertion messages.</summary>
internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError, string Transcript);
