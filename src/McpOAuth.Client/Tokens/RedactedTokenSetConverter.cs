using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>LOG-04: what System.Text.Json makes of a <see cref="TokenSet"/> an application logs or caches: the description, never
/// the access or refresh token, the DPoP key or the registration (which may hold a client secret). Durable stores use
/// <see cref="TokenSetSerializer"/>, so nothing reads a <see cref="TokenSet"/> back from this form.</summary>
internal sealed class RedactedTokenSetConverter : JsonConverter<TokenSet>
{
    public override TokenSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A TokenSet is written without its secrets and cannot be read back; use TokenSetSerializer to persist tokens.");

    public override void Write(Utf8JsonWriter writer, TokenSet value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("resource", value.Resource);
        writer.WriteString("issuer", value.Issuer);
        writer.WriteString("client_id", value.ClientId);
        if (value.Partition.Length > 0)
        {
            writer.WriteString("partition", value.Partition);
        }

        writer.WriteString("token_type", value.TokenType);
        writer.WriteString("obtained_at", value.ObtainedAt);
        if (value.ExpiresAt is { } expiresAt)
        {
            writer.WriteString("expires_at", expiresAt);
        }

        writer.WriteStartArray("scopes");
        foreach (string scope in value.Scopes)
        {
            writer.WriteStringValue(scope);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("has_refresh_token", value.RefreshToken is not null);
        writer.WriteEndObject();
    }
}
