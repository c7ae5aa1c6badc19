namespace McpOAuth.Client.Tests.RealServer;

/// <summary>How a CLI run ended: its exit code, what it printed, and a transcript for assertion messages.</summary>
internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError, string Transcript);
