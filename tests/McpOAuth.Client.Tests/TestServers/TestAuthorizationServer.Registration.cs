using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

public sealed partial class TestAuthorizationServer
{
    private async Task HandleRegistrationAsync(HttpContext context, RecordedRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        JsonObject? body;
        try
        {
            body = request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
                ? JsonNode.Parse(request.Body) as JsonObject
                : null;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await WriteOAuthErrorAsync(context, new OAuthError(400, "invalid_client_metadata", "a JSON object body is required"));
            return;
        }

        var redirectUris = ReadStrings(body["redirect_uris"]);
        var deviceOnly = ReadStrings(body["grant_types"]) is { } requestedGrants
            && requestedGrants.Contains("urn:ietf:params:oauth:grant-type:device_code", StringComparer.Ordinal)
            && !requestedGrants.Contains("authorization_code", StringComparer.Ordinal);
        if (deviceOnly && redirectUris is null)
        {
            redirectUris = [];
        }
        else if (redirectUris is null || redirectUris.Count == 0 || !redirectUris.All(RedirectUris.IsRegistrable))
        {
            await WriteOAuthErrorAsync(context, new OAuthError(400, "invalid_redirect_uri", "redirect_uris must be absolute, without fragment, and http only on loopback"));
            return;
        }

        var o = Options;
        var requestedMethod = body["token_endpoint_auth_method"] is JsonValue m && m.TryGetValue<string>(out var method) ? method : null;
        var authMethod = o.RegistrationTokenEndpointAuthMethod ?? requestedMethod ?? "client_secret_basic";
        var secret = authMethod is "client_secret_post" or "client_secret_basic" || o.RegistrationIssuesClientSecret
            ? TestCrypto.NewOpaqueValue("secret-")
            : null;
        var grantTypes = ReadStrings(body["grant_types"]) ?? ["authorization_code"];
        var client = new TestClientRegistration
        {
            ClientId = TestCrypto.NewOpaqueValue("client-"),
            ClientSecret = secret,
            TokenEndpointAuthMethod = authMethod,
            RedirectUris = redirectUris,
            GrantTypes = grantTypes,
        };
        AddClient(client);

        // RFC 7591 §3.2.1: echo all registered metadata, plus what the server assigned.
        var response = (JsonObject)body.DeepClone();
        response["client_id"] = client.ClientId;
        response["client_id_issued_at"] = o.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (secret is not null)
        {
            response["client_secret"] = secret;
            response["client_secret_expires_at"] = 0;
        }

        response["redirect_uris"] = ToJsonArray(redirectUris);
        response["grant_types"] = ToJsonArray(grantTypes);
        response["response_types"] = ToJsonArray(ReadStrings(body["response_types"]) ?? ["code"]);
        response["token_endpoint_auth_method"] = authMethod;
        o.MutateRegistrationResponse?.Invoke(response);
        await WriteJsonAsync(context, StatusCodes.Status201Created, response);
    }

    private static List<string>? ReadStrings(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var values = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                return null;
            }

            values.Add(text);
        }

        return values;
    }
}
