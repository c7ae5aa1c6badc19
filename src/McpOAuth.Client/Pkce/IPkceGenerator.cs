namespace McpOAuth.Client;

/// <summary>Creates PKCE verifier and challenge pairs (RFC 7636).</summary>
public interface IPkceGenerator
{
    /// <summary>Creates a new, never-repeated verifier and its S256 challenge.</summary>
    /// <returns>The verifier and its challenge.</returns>
    PkcePair Generate();
}
