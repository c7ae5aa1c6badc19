using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>An https Kestrel server on 127.0.0.1 with a certificate made for the test (self-signed, so no machine trusts it):
/// for the TLS cases of the catalogue (NET-06, RS-04). Records the path and <c>Authorization</c> of each request it got.</summary>
internal sealed class TlsLoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _requests = new();
    private WebApplication? _app;

    private TlsLoopbackServer(X509Certificate2 certificate)
    {
        Certificate = certificate;
    }

    /// <summary>Gets the origin, e.g. <c>https://127.0.0.1:54321</c>.</summary>
    public string Origin { get; private set; } = string.Empty;

    public X509Certificate2 Certificate { get; }

    /// <summary>Gets every request that completed a TLS handshake and reached the application.</summary>
    public IReadOnlyList<(string Path, string? Authorization)> Requests => [.. _requests];

    /// <summary>A certificate for 127.0.0.1 valid now, or expired, or naming another host.</summary>
    public static X509Certificate2 CreateCertificate(bool expired = false, string host = "127.0.0.1")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + host, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset notBefore = expired ? new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset notAfter = expired ? new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using X509Certificate2 created = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }

    public static async Task<TlsLoopbackServer> StartAsync(X509Certificate2 certificate, RequestDelegate handler)
    {
        var server = new TlsLoopbackServer(certificate);
        (server._app, Uri baseUri) = await LoopbackHost.StartAsync(
            context =>
            {
                server._requests.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString()));
                return handler(context);
            },
            listen => listen.UseHttps(certificate));
        server.Origin = baseUri.GetLeftPart(UriPartial.Authority);
        return server;
    }

    /// <summary>A client-side check that trusts exactly this server's certificate (what a test needs to reach it at all).</summary>
    public bool TrustsOnly(X509Certificate? presented, SslPolicyErrors errors) =>
        presented is not null && Certificate.RawData.AsSpan().SequenceEqual(presented.GetRawCertData())
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;

    public async ValueTask DisposeAsync()
    {
        await LoopbackHost.StopAsync(_app);
        Certificate.Dispose();
    }
}
