using System.Diagnostics;

namespace McpOAuth.Client.Internal;

/// <summary>A span per registration decision (and registration), around whatever registrar is registered.</summary>
internal sealed class InstrumentedClientRegistrar(IClientRegistrar inner) : IClientRegistrar
{
    public async Task<ClientRegistration> GetRegistrationAsync(ClientRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using Activity? activity = Telemetry.Source.StartActivity(McpOAuthTelemetry.RegisterActivity, ActivityKind.Internal);
        activity?.SetTag("server.address", UriPolicy.TryParseAbsolute(request.Issuer, out Uri issuer) ? issuer.IdnHost : null);
        try
        {
            ClientRegistration registration = await inner.GetRegistrationAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("mcpoauth.registration.kind", registration.Kind.ToString());
            return registration;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, Telemetry.OutcomeOf(ex));
            activity.SetTag("error.type", Telemetry.OutcomeOf(ex));
            throw;
        }
    }

    public ValueTask ForgetAsync(ClientRegistration registration, CancellationToken cancellationToken = default) =>
        inner.ForgetAsync(registration, cancellationToken);
}
