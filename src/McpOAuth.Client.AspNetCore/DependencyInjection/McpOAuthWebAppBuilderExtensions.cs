using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes McpOAuth.Client serve a hosted web application: users sign in through the application's own callback.</summary>
public static class McpOAuthWebAppBuilderExtensions
{
    /// <summary>Signs users in through the application's callback endpoint instead of a loopback listener and a local browser.</summary>
    /// <param name="builder">The builder returned by <c>AddMcpOAuth</c>.</param>
    /// <param name="configure">Sets the public URL, the callback path and how a request's user is found.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>It sets, for the options of the builder's name: <see cref="HostedSignInOptions.RedirectUri"/> to the public URL followed
    /// by the callback path; <see cref="HostedSignInOptions.ReturnUrl"/> to the path and query of the request that needed the
    /// sign-in (unless the application set one); and <see cref="NetworkPolicyOptions.RefusePrivateNetworks"/> to
    /// <see cref="McpOAuthWebAppOptions.RefusePrivateNetworks"/>, on by default. The options are validated at startup.</para>
    /// <para>Add <c>app.UseMcpOAuth()</c> (after authentication) and <c>app.MapMcpOAuthCallback()</c>. Sign-ins waiting for
    /// their callback are kept in the registered <see cref="IPendingAuthorizationStore"/>: in memory unless a distributed one is
    /// registered, which several instances behind one load balancer need.</para>
    /// </remarks>
    public static IMcpOAuthBuilder AddWebApp(this IMcpOAuthBuilder builder, Action<McpOAuthWebAppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        IServiceCollection services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddOptions<McpOAuthWebAppOptions>(builder.Name).Configure(configure).ValidateOnStart();
        services.Configure<WebAppNames>(names => names.Add(builder.Name));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpOAuthWebAppOptions>, McpOAuthWebAppOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<McpOAuthOptions>, HostedOptionsSetup>());
        return builder;
    }
}
