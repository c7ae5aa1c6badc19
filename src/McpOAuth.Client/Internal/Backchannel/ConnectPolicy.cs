using System.Net;
using System.Net.Sockets;

namespace McpOAuth.Client.Internal;

/// <summary>
/// T11 (SSRF): the backchannel connects only after checking the address it actually connects to, so a server-chosen URL
/// (resource_metadata, authorization_servers, metadata endpoints) cannot reach link-local or cloud metadata addresses, in
/// any encoding and after any DNS answer. Private and loopback addresses stay allowed: enterprise authorization servers
/// live on private networks, and local development on loopback.
/// </summary>
internal static class ConnectPolicy
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        DnsEndPoint endpoint = context.DnsEndPoint;
        IPAddress[] addresses = IPAddress.TryParse(endpoint.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        IPAddress[] allowed = Array.FindAll(addresses, IsAllowed);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"The address of {endpoint.Host} is link-local, multicast or unspecified; OAuth calls never go there (SSRF protection).");
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

    public static bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            bool linkLocal = b[0] == 169 && b[1] == 254;                 // 169.254.0.0/16, incl. 169.254.169.254
            bool unspecified = b[0] == 0;                                // 0.0.0.0/8
            bool multicastOrReserved = b[0] >= 224;                      // 224.0.0.0/3
            bool sharedMetadata = b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200; // Alibaba Cloud metadata
            return !(linkLocal || unspecified || multicastOrReserved || sharedMetadata);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.Equals(IPAddress.IPv6None)
                || address.Equals(IPAddress.IPv6Any) || IsUniqueLocalMetadata(address));
        }

        return false;
    }

    // fd00:ec2::254, the IPv6 address of the EC2 instance metadata service.
    private static bool IsUniqueLocalMetadata(IPAddress address) =>
        address.Equals(IPAddress.Parse("fd00:ec2::254"));
}
