namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What <see cref="TestAuthorizationServer"/> puts in the RFC 9207 <c>iss</c> parameter of its redirects.</summary>
public enum IssRedirectMode
{
    /// <summary>Send <c>iss</c> equal to <see cref="TestAuthorizationServer.Issuer"/>.</summary>
    Correct,

    /// <summary>Send no <c>iss</c> parameter.</summary>
    Omit,

    /// <summary>Send <see cref="TestAuthorizationServerOptions.IssInRedirectValue"/> verbatim.</summary>
    Custom,
}
