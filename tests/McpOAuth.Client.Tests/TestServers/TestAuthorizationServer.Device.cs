using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>RFC 8628 device authorization: codes approved or denied by the test, polling with pending / slow_down.</summary>
public sealed partial class TestAuthorizationServer
{
    private readonly Dictionary<string, DeviceGrant> _deviceCodes = new(StringComparer.Ordinal);

    /// <summary>Gets the device authorization endpoint.</summary>
    public Uri DeviceAuthorizationEndpoint => new(Origin + EndpointPath("/device_authorization"));

    /// <summary>Gets the user codes handed out so far, oldest first.</summary>
    public IReadOnlyList<string> IssuedUserCodes
    {
        get
        {
            lock (_gate)
            {
                return [.. _deviceCodes.Values.OrderBy(d => d.Sequence).Select(d => d.UserCode)];
            }
        }
    }

    /// <summary>Approves the device authorization with this user code, as the user would on the verification page.</summary>
    public void ApproveDevice(string userCode) => SetDeviceStatus(userCode, DeviceStatus.Approved);

    /// <summary>Denies the device authorization with this user code.</summary>
    public void DenyDevice(string userCode) => SetDeviceStatus(userCode, DeviceStatus.Denied);

    private void SetDeviceStatus(string userCode, DeviceStatus status)
    {
        lock (_gate)
        {
            DeviceGrant grant = _deviceCodes.Values.Single(d => string.Equals(d.UserCode, userCode, StringComparison.Ordinal));
            grant.Status = status;
        }
    }

    private async Task HandleDeviceAuthorizationAsync(HttpContext context, RecordedRequest request)
    {
        // RFC 8628 §3.1: a confidential client authenticates here as at the token endpoint, private_key_jwt included.
        var (error, client) = AuthenticateClient(request, Options.TimeProvider.GetUtcNow());
        if (error is not null)
        {
            await WriteOAuthErrorAsync(context, error);
            return;
        }

        var o = Options;
        var now = o.TimeProvider.GetUtcNow();
        var grant = new DeviceGrant
        {
            DeviceCode = TestCrypto.NewOpaqueValue("dc-"),
            UserCode = TestCrypto.NewOpaqueValue("UC").ToUpperInvariant()[..10],
            ClientId = client!.ClientId,
            Scope = request.FormValue("scope"),
            Resource = request.FormValue("resource"),
            ExpiresAt = now + o.DeviceCodeLifetime,
            GrantId = TestCrypto.NewOpaqueValue("grant-"),
        };
        lock (_gate)
        {
            grant.Sequence = _deviceCodes.Count;
            _deviceCodes[grant.DeviceCode] = grant;
        }

        var body = new JsonObject
        {
            ["device_code"] = grant.DeviceCode,
            ["user_code"] = grant.UserCode,
            ["verification_uri"] = Origin + EndpointPath("/device"),
            ["verification_uri_complete"] = Origin + EndpointPath("/device") + "?user_code=" + grant.UserCode,
            ["expires_in"] = (long)o.DeviceCodeLifetime.TotalSeconds,
            ["interval"] = (long)o.DeviceInterval.TotalSeconds,
        };
        await WriteJsonAsync(context, StatusCodes.Status200OK, body);
    }

    private object RedeemDeviceCode(RecordedRequest request, TestClientRegistration client)
    {
        var now = Options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (FindIssuedLocked(request, "device_code", "device code", _deviceCodes, client, out var grant) is { } refused)
            {
                return refused;
            }

            grant.Polls++;
            if (now >= grant.ExpiresAt)
            {
                return new OAuthError(400, "expired_token", "the device code expired");
            }

            if (grant.Polls <= Options.DeviceSlowDownPolls)
            {
                return new OAuthError(400, "slow_down", null);
            }

            switch (grant.Status)
            {
                case DeviceStatus.Pending:
                    return new OAuthError(400, "authorization_pending", null);
                case DeviceStatus.Denied:
                    return new OAuthError(400, "access_denied", "the user denied the request");
                case DeviceStatus.Redeemed:
                    return OAuthError.InvalidGrant("device code already used");
                default:
                    grant.Status = DeviceStatus.Redeemed;
                    if (ResourceDiffers(request, grant.Resource, "the device authorization request") is { } differs)
                    {
                        return differs;
                    }

                    return IssueTokenResponseLocked(client.ClientId, grant.Resource, grant.Scope, "urn:ietf:params:oauth:grant-type:device_code", grant.GrantId, newRefreshToken: Options.IssueRefreshTokens);
            }
        }
    }

    /// <summary>Polls of each device code so far, oldest code first.</summary>
    public IReadOnlyList<int> DevicePollCounts
    {
        get
        {
            lock (_gate)
            {
                return [.. _deviceCodes.Values.OrderBy(d => d.Sequence).Select(d => d.Polls)];
            }
        }
    }

    private enum DeviceStatus
    {
        Pending,
        Approved,
        Denied,
        Redeemed,
    }

    private sealed class DeviceGrant : IssuedGrant
    {
        public required string DeviceCode { get; init; }

        public required string UserCode { get; init; }

        public required DateTimeOffset ExpiresAt { get; init; }

        public int Sequence { get; set; }

        public int Polls { get; set; }

        public DeviceStatus Status { get; set; }
    }
}
