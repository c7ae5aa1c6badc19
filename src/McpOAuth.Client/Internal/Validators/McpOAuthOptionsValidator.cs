using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Validates <see cref="McpOAuthOptions"/> at startup (and in <see cref="McpOAuthProviderFactory"/>): the general
/// settings, the client's credentials, and what each grant needs.</summary>
internal sealed class McpOAuthOptionsValidator : IValidateOptions<McpOAuthOptions>
{
    private const string ClientPrefix = nameof(McpOAuthOptions.Client) + ".";

    public ValidateOptionsResult Validate(string? name, McpOAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        ValidateGeneral(builder, options);
        ValidateClient(builder, options.Client);
        ValidateBinding(builder, options);
        ValidateGrants(builder, options);
        AuthorizationParameterRules.Validate(builder, options.AdditionalAuthorizationParameters);
        return builder.Build();
    }

    private static void ValidateGeneral(ValidateOptionsResultBuilder builder, McpOAuthOptions options)
    {
        if (options.ServerUri is { } server && (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp)))
        {
            builder.AddError("must be an absolute http or https URL.", nameof(McpOAuthOptions.ServerUri));
        }

        if (options.CallbackPort is < 1 or > 65535)
        {
            builder.AddError("must be between 1 and 65535.", nameof(McpOAuthOptions.CallbackPort));
        }

        if (string.IsNullOrEmpty(options.CallbackPath) || options.CallbackPath[0] != '/' || options.CallbackPath.Contains('?', StringComparison.Ordinal))
        {
            builder.AddError("must start with '/' and have no query.", nameof(McpOAuthOptions.CallbackPath));
        }

        Range(builder, options.AuthorizationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), nameof(McpOAuthOptions.AuthorizationTimeout));
        Range(builder, options.HttpTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), nameof(McpOAuthOptions.HttpTimeout));
        Range(builder, options.RefreshSkew, TimeSpan.Zero, TimeSpan.FromMinutes(10), nameof(McpOAuthOptions.RefreshSkew));

        if (options.MaxAuthorizationAttempts is < 1 or > 10)
        {
            builder.AddError("must be between 1 and 10.", nameof(McpOAuthOptions.MaxAuthorizationAttempts));
        }

        if (options.Hosted.RedirectUri is { } redirect
            && (!redirect.IsAbsoluteUri || !UriPolicy.IsSecure(redirect, allowHttpLoopback: true) || redirect.Fragment.Length > 0))
        {
            builder.AddError("must be an absolute https URL (or http to loopback) without fragment.", "Hosted.RedirectUri");
        }

        Range(builder, options.Hosted.PendingLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), "Hosted.PendingLifetime");

        if (options.UseDeviceAuthorization && options.ShowDeviceCode is null)
        {
            builder.AddError("must be set when UseDeviceAuthorization is true.", nameof(McpOAuthOptions.ShowDeviceCode));
        }
    }

    private static void ValidateClient(ValidateOptionsResultBuilder builder, ClientRegistrationOptions client)
    {
        if (client.ClientSecret is not null && string.IsNullOrEmpty(client.ClientId))
        {
            builder.AddError("a client secret needs a client id.", ClientPrefix + nameof(client.ClientSecret));
        }

        string? method = client.TokenEndpointAuthMethod;
        if (method is not (null or OAuthWireNames.AuthMethodNone or OAuthWireNames.AuthMethodClientSecretBasic
            or OAuthWireNames.AuthMethodClientSecretPost or OAuthWireNames.AuthMethodPrivateKeyJwt))
        {
            builder.AddError("must be none, client_secret_basic, client_secret_post or private_key_jwt.", ClientPrefix + nameof(client.TokenEndpointAuthMethod));
        }
        else if (method == OAuthWireNames.AuthMethodPrivateKeyJwt && client.ClientAssertionKey is null)
        {
            builder.AddError("private_key_jwt needs a ClientAssertionKey.", ClientPrefix + nameof(client.TokenEndpointAuthMethod));
        }
        else if (method is OAuthWireNames.AuthMethodClientSecretBasic or OAuthWireNames.AuthMethodClientSecretPost && string.IsNullOrEmpty(client.ClientSecret))
        {
            builder.AddError("needs a client secret.", ClientPrefix + nameof(client.TokenEndpointAuthMethod));
        }

        AddErrorOf(builder, ClientPrefix + nameof(client.ClientAssertionKey), client.ClientAssertionKey, static key => Jwt.AlgorithmFor(key));
        AddErrorOf(builder, ClientPrefix + nameof(client.ClientMetadataDocumentUri), client.ClientMetadataDocumentUri, UriPolicy.RequireClientMetadataDocumentUri);
    }

    /// <summary>T10, AUTH-24: a configured credential goes only to the authorization server it belongs to. Left unbound, it would
    /// be offered to whatever issuer an MCP server names, and a hostile one could collect it. A public client id (no secret, no
    /// key) may stay unbound; its sign-ins then require RFC 9207 <c>iss</c>, which closes the mix-up.</summary>
    private static void ValidateBinding(ValidateOptionsResultBuilder builder, McpOAuthOptions options)
    {
        ClientRegistrationOptions client = options.Client;
        string issuerName = ClientPrefix + nameof(client.Issuer);
        if (client.Issuer is { } issuer)
        {
            if (!UriPolicy.TryParseAbsolute(issuer, out Uri issuerUri) || !UriPolicy.IsSecure(issuerUri, allowHttpLoopback: true)
                || issuerUri.Query.Length > 0 || issuerUri.Fragment.Length > 0)
            {
                builder.AddError("must be the authorization server's issuer identifier: an https URL (or http to loopback) without query or fragment (RFC 8414 §2).", issuerName);
            }

            return;
        }

        if (options.AllowTenantPlaceholderInIssuer)
        {
            builder.AddError(
                "needs Client.Issuer: the {tenantid} placeholder is accepted only in the metadata of the issuer the client is bound to (mcp-oauth: --issuer URL).",
                nameof(McpOAuthOptions.AllowTenantPlaceholderInIssuer));
        }

        foreach ((bool configured, string what) in new[]
        {
            (client.ClientSecret is not null, "a client secret"),
            (client.ClientAssertionKey is not null, "a client assertion key"),
            (options.AssertionProvider is not null, "an AssertionProvider"),
        })
        {
            if (configured)
            {
                builder.AddError(
                    $"must be set when {what} is configured: a credential is sent only to the authorization server it belongs to, so a hostile MCP server cannot collect it. Set it to that server's issuer (mcp-oauth: --issuer URL).",
                    issuerName);
            }
        }
    }

    private static void ValidateGrants(ValidateOptionsResultBuilder builder, McpOAuthOptions options)
    {
        if (options.GrantType is McpOAuthGrantType.ClientCredentials or McpOAuthGrantType.JwtBearer or McpOAuthGrantType.EnterpriseManaged
            && string.IsNullOrEmpty(options.Client.ClientId))
        {
            builder.AddError("machine grants need a pre-registered client id.", ClientPrefix + nameof(options.Client.ClientId));
        }

        if (options.GrantType == McpOAuthGrantType.JwtBearer && options.AssertionProvider is null)
        {
            builder.AddError("the JWT bearer grant needs an AssertionProvider.", nameof(McpOAuthOptions.AssertionProvider));
        }

        EnterpriseManagedAuthorizationOptions managed = options.EnterpriseManaged;
        if (options.GrantType != McpOAuthGrantType.EnterpriseManaged && managed.IdTokenProvider is null)
        {
            return;
        }

        if (managed.IdTokenProvider is null || managed.TokenEndpoint is null || string.IsNullOrEmpty(managed.ClientId))
        {
            builder.AddError("enterprise-managed authorization needs IdTokenProvider, TokenEndpoint and ClientId.", nameof(McpOAuthOptions.EnterpriseManaged));
        }
        else if (!managed.TokenEndpoint.IsAbsoluteUri || !UriPolicy.IsSecure(managed.TokenEndpoint, allowHttpLoopback: true))
        {
            builder.AddError("the identity provider's token endpoint must be https (or http to loopback).", "EnterpriseManaged.TokenEndpoint");
        }
    }

    /// <summary>Runs a check that throws <see cref="McpOAuthException"/> on a set value, and records its message.</summary>
    private static void AddErrorOf<T>(ValidateOptionsResultBuilder builder, string name, T? value, Action<T> check)
        where T : class
    {
        if (value is null)
        {
            return;
        }

        try
        {
            check(value);
        }
        catch (McpOAuthException ex)
        {
            builder.AddError(ex.Message, name);
        }
    }

    private static void Range(ValidateOptionsResultBuilder builder, TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            builder.AddError($"must be between {min} and {max}.", name);
        }
    }
}
