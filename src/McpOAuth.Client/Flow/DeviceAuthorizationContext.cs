namespace McpOAuth.Client;

/// <summary>What to show the user during an RFC 8628 device authorization.</summary>
public sealed class DeviceAuthorizationContext
{
    /// <summary>Gets the code the user types at <see cref="VerificationUri"/>.</summary>
    public required string UserCode { get; init; }

    /// <summary>Gets where the user goes, on any device, to approve (https, or http to loopback).</summary>
    public required Uri VerificationUri { get; init; }

    /// <summary>Gets a verification URL that already carries the user code, if the server gave one.</summary>
    public Uri? VerificationUriComplete { get; init; }

    /// <summary>Gets when the codes expire, from the injected <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
