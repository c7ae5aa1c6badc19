namespace McpOAuth.Cli;

/// <summary>The documented exit codes of mcp-oauth.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int LoginRequired = 3;
    public const int AuthorizationFailed = 4;
    public const int RevocationFailed = 5;
}
