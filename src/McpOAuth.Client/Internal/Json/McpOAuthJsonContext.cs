using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The one source-generated JSON context of the library; every (de)serialization passes its type info.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    MaxDepth = 64,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ProtectedResourceDocument))]
[JsonSerializable(typeof(AuthorizationServerDocument))]
[JsonSerializable(typeof(TokenEndpointResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(ClientRegistrationRequestBody))]
[JsonSerializable(typeof(ClientRegistrationResponseBody))]
[JsonSerializable(typeof(StoredTokenDocument))]
[JsonSerializable(typeof(DeviceAuthorizationResponse))]
[JsonSerializable(typeof(PendingAuthorization))]
internal sealed partial class McpOAuthJsonContext : JsonSerializerContext
{
}
