using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

public sealed partial class TestAuthorizationServer
{
    private const int MaxClientMetadataDocumentBytes = 64 * 1024;

    private async Task HandleAuthorizeAsync(HttpContext context, RecordedRequest request)
    {
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        // Errors about the client or the redirect URI must not redirect (RFC 6749 §4.1.2.1): answer 400 with text.
        if (request.Query.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } duplicate })
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, $"invalid_request: '{duplicate}' repeated");
            return;
        }

        var clientId = request.QueryValue("client_id");
        var client = clientId is null ? null : await ResolveClientForAuthorizeAsync(clientId, context.RequestAborted);
        if (client is null)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, "invalid_client: unknown or missing client_id");
            return;
        }

        var sentRedirectUri = request.QueryValue("redirect_uri");
        string redirectUri;
        if (sentRedirectUri is null)
        {
            if (client.RedirectUris.Count != 1)
            {
                await WriteTextAsync(context, StatusCodes.Status400BadRequest, "invalid_request: redirect_uri required");
                return;
            }

            redirectUri = client.RedirectUris[0];
        }
        else if (RedirectUris.IsAllowed(client.RedirectUris, sentRedirectUri, Options.ExactRedirectUriMatching))
        {
            redirectUri = sentRedirectUri;
        }
        else
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, "invalid_request: redirect_uri not allowed for this client");
            return;
        }

        var o = Options;
        var state = request.QueryValue("state");
        var challenge = request.QueryValue("code_challenge");
        var challengeMethod = request.QueryValue("code_challenge_method") ?? "plain";
        var resource = request.QueryValue("resource");
        string? error = null;
        string? description = null;
        if (!string.Equals(request.QueryValue("response_type"), "code", StringComparison.Ordinal))
        {
            (error, description) = ("unsupported_response_type", "only response_type=code is supported");
        }
        else if (challenge is null && o.RequirePkce)
        {
            (error, description) = ("invalid_request", "code_challenge required");
        }
        else if (challenge is not null && !string.Equals(challengeMethod, "S256", StringComparison.Ordinal))
        {
            (error, description) = ("invalid_request", "transform algorithm not supported");
        }
        else if (challenge is not null && !TestCrypto.IsValidVerifierOrChallenge(challenge))
        {
            (error, description) = ("invalid_request", "malformed code_challenge");
        }
        else if (resource is null && o.RequireResource)
        {
            (error, description) = ("invalid_target", "resource required");
        }
        else if (o.AuthorizeError is not null)
        {
            (error, description) = (o.AuthorizeError, o.AuthorizeErrorDescription);
        }

        if (error is not null)
        {
            Redirect(context, redirectUri, [new("error", error), new("error_description", description), new("state", state), new("iss", IssForRedirect())]);
            return;
        }

        var code = TestCrypto.NewOpaqueValue("code-");
        var grantId = TestCrypto.NewOpaqueValue("grant-");
        lock (_gate)
        {
            _grantTerms[grantId] = new GrantTerms(
                request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal),
                o.IssueRefreshTokenWhen?.Invoke(request) ?? true);
            _codes[code] = new AuthorizationCodeGrant
            {
                ClientId = client.ClientId,
                RedirectUri = redirectUri,
                RedirectUriWasSent = sentRedirectUri is not null,
                CodeChallenge = challenge,
                Resource = resource,
                Scope = o.GrantScope is { } grant ? grant(request.QueryValue("scope")) : request.QueryValue("scope"),
                ExpiresAt = o.TimeProvider.GetUtcNow() + o.AuthorizationCodeLifetime,
                GrantId = grantId,
            };
        }

        Redirect(context, redirectUri, [new("code", code), new("state", state), new("iss", IssForRedirect())]);
    }

    private string? IssForRedirect() => Options.IssInRedirect switch
    {
        IssRedirectMode.Correct => Issuer,
        IssRedirectMode.Custom => Options.IssInRedirectValue,
        _ => null,
    };

    private static void Redirect(HttpContext context, string redirectUri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Location = FormEncoding.AppendQuery(redirectUri, parameters);
    }

    private static async Task WriteTextAsync(HttpContext context, int statusCode, string text)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private async Task<TestClientRegistration?> ResolveClientForAuthorizeAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!Options.ClientIdMetadataDocumentSupported || !Options.FetchClientIdMetadataDocuments || !IsUrlClientId(clientId))
        {
            return FindClient(clientId);
        }

        // A CIMD document is authoritative and may change, so it is fetched on every authorization request.
        var fetched = await FetchClientIdMetadataDocumentAsync(clientId, cancellationToken);
        if (fetched is not null)
        {
            AddClient(fetched);
        }

        return fetched;
    }

    private async Task<TestClientRegistration?> FetchClientIdMetadataDocumentAsync(string clientId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _metadataDocumentClient.GetAsync(new Uri(clientId), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxClientMetadataDocumentBytes)
            {
                return null;
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (bytes.Length > MaxClientMetadataDocumentBytes
                || JsonNode.Parse(bytes) is not JsonObject document
                || document["client_id"] is not JsonValue id
                || !id.TryGetValue<string>(out var documentClientId)
                || !string.Equals(documentClientId, clientId, StringComparison.Ordinal)
                || document["redirect_uris"] is not JsonArray redirectUris)
            {
                return null;
            }

            var method = document["token_endpoint_auth_method"] is JsonValue m && m.TryGetValue<string>(out var value) ? value : "none";
            return new TestClientRegistration
            {
                ClientId = clientId,
                TokenEndpointAuthMethod = method,
                RedirectUris = [.. redirectUris.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>()],
            };
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
