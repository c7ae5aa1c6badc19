namespace McpOAuth.Client;

/// <summary>Where calls to authorization servers and metadata endpoints may connect (T11, SSRF).</summary>
/// <remarks>Every address is checked when the connection is made, for every address a name resolves to, so a DNS answer that
/// changes between a check and the connection cannot get through. Link-local and cloud metadata addresses, multicast and
/// unspecified addresses are always refused.</remarks>
public sealed class NetworkPolicyOptions
{
    /// <summary>Gets or sets whether private, loopback, link-local, CGNAT and unique-local addresses are refused too.</summary>
    /// <value>The default is <see langword="false"/> (enterprise authorization servers live on private networks, local development
    /// on loopback); the ASP.NET Core package turns it on, because a hosted application acting for others fetches URLs that remote
    /// MCP servers choose, from inside its network.</value>
    public bool RefusePrivateNetworks { get; set; }

    /// <summary>Gets the host names and IP literals exempt from <see cref="RefusePrivateNetworks"/>, for example a local MCP server
    /// and its authorization server during development (<c>127.0.0.1</c>, <c>localhost</c>).</summary>
    /// <value>Empty by default. Matched case-insensitively against the URL's host; link-local and metadata addresses stay refused.</value>
    public IList<string> AllowedHosts { get; } = [];
}
