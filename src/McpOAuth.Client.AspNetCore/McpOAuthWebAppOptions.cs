using System.Security.Claims;

namespace McpOAuth.Client;

/// <summary>Options of a hosted web application that calls MCP servers for its signed-in users (<c>AddWebApp</c>).</summary>
/// <remarks>They set <see cref="McpOAuthOptions.Hosted"/> (the redirect URI and the return URL) and the network policy of the
/// <see cref="McpOAuthOptions"/> of the same name, and tell <c>UseMcpOAuth()</c> whose partition a request is in.</remarks>
public sealed class McpOAuthWebAppOptions
{
    /// <summary>The default <see cref="CallbackPath"/>.</summary>
    public const string DefaultCallbackPath = "/oauth/callback";

    /// <summary>Gets or sets the application's public URL: the origin users' browsers reach, the same for every instance behind one
    /// load balancer, with the path the application is mounted at, if any.</summary>
    /// <value>The default is <see langword="null"/>; required. Must be https, or http to a loopback host for development, without
    /// query, fragment or user information.</value>
    /// <remarks>The redirect URI is this URL followed by <see cref="CallbackPath"/>. It is never taken from a request's
    /// <c>Host</c> header, which a client controls.</remarks>
    public Uri? PublicOrigin { get; set; }

    /// <summary>Gets or sets the path of the callback endpoint that <c>MapMcpOAuthCallback()</c> maps.</summary>
    /// <value>The default is <see cref="DefaultCallbackPath"/>. Must start with <c>/</c>, without query or fragment.</value>
    public string CallbackPath { get; set; } = DefaultCallbackPath;

    /// <summary>Gets or sets the claim whose value is a signed-in user's partition.</summary>
    /// <value>The default is <see langword="null"/>: the <c>sub</c> claim, else <see cref="ClaimTypes.NameIdentifier"/>.</value>
    /// <remarks>Ignored when <see cref="PartitionSelector"/> is set. A user without the claim is treated as anonymous.</remarks>
    public string? PartitionClaimType { get; set; }

    /// <summary>Gets or sets a function that returns a signed-in user's partition, for example a tenant and a subject together.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="PartitionClaimType"/> decides.</value>
    /// <remarks>Return a value unique and stable per user (a subject is unique only within its issuer: include the issuer when
    /// users sign in from several). <see langword="null"/> or empty treats the request as anonymous.</remarks>
    public Func<ClaimsPrincipal, string?>? PartitionSelector { get; set; }

    /// <summary>Gets or sets whether calls to authorization servers and metadata endpoints refuse private and loopback addresses.</summary>
    /// <value>The default is <see langword="true"/>: a hosted application fetches URLs that remote MCP servers choose, from inside
    /// its network (<see cref="NetworkPolicyOptions.RefusePrivateNetworks"/>). Exempt known hosts with
    /// <see cref="NetworkPolicyOptions.AllowedHosts"/>, or set <see langword="false"/> when the servers live on a private network.</value>
    public bool RefusePrivateNetworks { get; set; } = true;
}
