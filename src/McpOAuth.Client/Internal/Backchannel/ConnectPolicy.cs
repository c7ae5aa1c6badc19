using System.Net;
using System.Net.Sockets;

namespace McpOAuth.Client.Internal;

/// <summary>
/// T11 (SSRF): the backchannel connects only after checking the addresses it actually connects to, so a server-chosen URL
/// (resource_metadata, authorization_servers, metadata endpoints) cannot reach what it must not, in any encoding and after any
/// DNS answer (the check and the connection use the same resolution: no rebinding window). Link-local, cloud metadata,
/// multicast and unspecified addresses are always refused. The strict policy (for hosts that act for others) also refuses
/// private, loopback, CGNAT and unique-local addresses, except for hosts on an explicit allow-list. Behind a proxy, the target
/// host is checked as well as the proxy.
/// </summary>
internal sealed class ConnectPolicy
{
    private readonly HashSet<string> _allowedHosts;
    private readonly Func<string, CancellationToken, ValueTask<IPAddress[]>> _resolve;

    public ConnectPolicy(bool refusePrivateNetworks, IEnumerable<string> allowedHosts, Func<string, CancellationToken, ValueTask<IPAddress[]>>? resolve = null)
    {
        RefusePrivateNetworks = refusePrivateNetworks;
        _allowedHosts = new HashSet<string>(allowedHosts.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _resolve = resolve ?? (static async (host, ct) => await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false));
        Key = refusePrivateNetworks ? "strict:" + string.Join(',', _allowedHosts.Order(StringComparer.OrdinalIgnoreCase)) : "default";
    }

    /// <summary>The policy of every backchannel unless a stricter one is configured.</summary>
    public static ConnectPolicy Default { get; } = new(refusePrivateNetworks: false, []);

    public bool RefusePrivateNetworks { get; }

    /// <summary>Names the policy: one connection pool per policy, so a connection made under a laxer one is never reused.</summary>
    public string Key { get; }

    public static ConnectPolicy For(NetworkPolicyOptions options) =>
        options.RefusePrivateNetworks ? new ConnectPolicy(refusePrivateNetworks: true, options.AllowedHosts) : Default;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        DnsEndPoint endpoint = context.DnsEndPoint;
        IPAddress[] allowed = await AllowedAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);

        // Through a proxy the connection goes to the proxy; the target is checked too (the proxy resolves it again, so a
        // rebinding window remains there: prefer no proxy for servers that act for others).
        if (context.InitialRequestMessage.RequestUri is { } target && !string.Equals(target.IdnHost, endpoint.Host, StringComparison.OrdinalIgnoreCase))
        {
            await AllowedAddressesAsync(target.IdnHost, cancellationToken).ConfigureAwait(false);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether an address may be connected to for a host (allow-listed hosts may be private or loopback).</summary>
    public bool IsAllowed(IPAddress address, string host) =>
        IsAlwaysAllowed(address) && (!RefusePrivateNetworks || _allowedHosts.Contains(Normalize(host)) || !IsPrivate(address));

    /// <summary>Refused whatever the policy: link-local (cloud metadata), multicast, unspecified and reserved addresses.</summary>
    public static bool IsAlwaysAllowed(IPAddress address)
    {
        address = Embedded(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            bool linkLocal = b[0] == 169 && b[1] == 254;                 // 169.254.0.0/16, incl. 169.254.169.254
            bool unspecified = b[0] == 0;                                // 0.0.0.0/8
            bool multicastOrReserved = b[0] >= 224;                      // 224.0.0.0/3
            bool sharedMetadata = b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200; // Alibaba Cloud metadata
            return !(linkLocal || unspecified || multicastOrReserved || sharedMetadata);
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            && !(address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.Equals(IPAddress.IPv6None)
                || address.Equals(IPAddress.IPv6Any) || address.Equals(Ec2MetadataV6));
    }

    /// <summary>Private (RFC 1918), loopback, CGNAT (RFC 6598) and unique-local (RFC 4193) addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        address = Embedded(address);
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return b[0] == 10
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
    }

    private async ValueTask<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal)
            ? [literal]
            : await _resolve(host, cancellationToken).ConfigureAwait(false);
        IPAddress[] allowed = Array.FindAll(addresses, a => IsAllowed(a, host));
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(RefusePrivateNetworks
                ? $"The address of {SafeText.Escape(host)} is private, loopback, link-local or reserved; the strict network policy refuses it (SSRF protection). Add the host to NetworkPolicy.AllowedHosts if it is yours."
                : $"The address of {SafeText.Escape(host)} is link-local, multicast or unspecified; OAuth calls never go there (SSRF protection).");
        }

        return allowed;
    }

    /// <summary>The IPv4 address inside an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address, else the address.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        byte[] b = address.GetAddressBytes();
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        return b[0] == 0x20 && b[1] == 0x02 ? new IPAddress(b.AsSpan(2, 4)) : address;
    }

    private static string Normalize(string host) => host.Trim().Trim('[', ']').TrimEnd('.');

    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");
}
