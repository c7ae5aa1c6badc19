using System.Text.Json;

namespace McpOAuth.Client.ConformanceClient;

/// <summary>
/// The issuer a scenario's configured credential is bound to when its context names none (the client credentials, workload
/// identity and enterprise-managed scenarios). The library refuses a secret, key or assertion provider that is bound to no
/// issuer (issue 10 item 0), as it must: an application says which authorization server its credential belongs to. This
/// harness, which the suite hands a fresh credential for its own authorization server, makes that choice the one way an
/// operator would: from the protected resource's metadata, read once before the client is built (RFC 9728 §3, path-aware URL
/// first, then the root), taking the first authorization server it lists.
/// </summary>
internal static class ScenarioIssuer
{
    public static async Task<string?> DiscoverAsync(Uri serverUri, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        string origin = serverUri.GetLeftPart(UriPartial.Authority);
        string path = serverUri.AbsolutePath.TrimEnd('/');
        foreach (string candidate in new[] { origin + "/.well-known/oauth-protected-resource" + path, origin + "/.well-known/oauth-protected-resource" })
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(candidate), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            using JsonDocument metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (metadata.RootElement.TryGetProperty("authorization_servers", out JsonElement servers)
                && servers.ValueKind == JsonValueKind.Array && servers.GetArrayLength() > 0)
            {
                return servers[0].GetString();
            }
        }

        return null;
    }
}
