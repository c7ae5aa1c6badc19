using System.Diagnostics;

namespace McpOAuth.Client.Internal;

/// <summary>A span per metadata lookup, around whatever discovery client is registered.</summary>
internal sealed class InstrumentedDiscoveryClient(IDiscoveryClient inner) : IDiscoveryClient
{
    public async Task<ProtectedResourceDocument?> GetProtectedResourceMetadataAsync(ProtectedResourceMetadataRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using Activity? activity = Start("protected_resource", request.ServerUri.IdnHost);
        return await Traced(activity, inner.GetProtectedResourceMetadataAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<AuthorizationServerDocument?> GetAuthorizationServerMetadataAsync(AuthorizationServerMetadataRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using Activity? activity = Start("authorization_server", UriPolicy.TryParseAbsolute(request.Issuer, out Uri issuer) ? issuer.IdnHost : null);
        return await Traced(activity, inner.GetAuthorizationServerMetadataAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    private static Activity? Start(string document, string? host)
    {
        Activity? activity = Telemetry.Source.StartActivity(McpOAuthTelemetry.DiscoverActivity, ActivityKind.Internal);
        activity?.SetTag("mcpoauth.metadata", document);
        activity?.SetTag("server.address", host);
        return activity;
    }

    private static async Task<T?> Traced<T>(Activity? activity, Task<T?> work)
        where T : class
    {
        try
        {
            T? result = await work.ConfigureAwait(false);
            activity?.SetTag("mcpoauth.metadata.found", result is not null);
            return result;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, Telemetry.OutcomeOf(ex));
            activity.SetTag("error.type", Telemetry.OutcomeOf(ex));
            throw;
        }
    }
}
