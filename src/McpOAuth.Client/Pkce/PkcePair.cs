namespace McpOAuth.Client;

/// <summary>A PKCE code verifier and its S256 code challenge (RFC 7636 §4.1, §4.2).</summary>
/// <param name="Verifier">The secret code verifier: 43 to 128 unreserved characters.</param>
/// <param name="Challenge">The code challenge: BASE64URL(SHA256(ASCII(verifier))).</param>
public readonly record struct PkcePair(string Verifier, string Challenge)
{
    /// <summary>Gets the code challenge method, always <c>S256</c>.</summary>
    public static string Method => "S256";

    /// <summary>Returns a description that leaves out the secret verifier.</summary>
    /// <returns>A text naming the method only.</returns>
    public override string ToString() => "PkcePair { Method = S256 }";
}
