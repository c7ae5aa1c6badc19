using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The client of a <see cref="PendingAuthorization"/>, written with its secret: the pending sign-in's own persistence contract
/// (<see cref="PendingAuthorizationSerializer"/>) must carry a dynamic client's secret to the callback, whereas System.Text.Json
/// leaves it out of a <see cref="ClientRegistration"/> on its own (LOG-04). The member names are those the default contract
/// wrote before, so pending sign-ins stored by an earlier version still read.
/// </summary>
internal sealed class PendingClientConverter : JsonConverter<ClientRegistration>
{
    public override ClientRegistration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The pending sign-in's client is not an object.");
        }

        string? clientId = null, secret = null, method = null, issuer = null;
        DateTimeOffset? secretExpiresAt = null;
        List<string> redirectUris = [];
        var kind = ClientRegistrationKind.Preregistered;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString() ?? string.Empty;
            reader.Read();
            switch (name)
            {
                case "clientId": clientId = reader.GetString(); break;
                case "clientSecret": secret = reader.GetString(); break;
                case "clientSecretExpiresAt": secretExpiresAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset(); break;
                case "tokenEndpointAuthMethod": method = reader.GetString(); break;
                case "issuer": issuer = reader.GetString(); break;
                case "kind": kind = (ClientRegistrationKind)reader.GetInt32(); break;
                case "redirectUris": redirectUris = ReadStrings(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new ClientRegistration
        {
            ClientId = clientId ?? throw new JsonException("The pending sign-in's client has no clientId."),
            ClientSecret = secret,
            ClientSecretExpiresAt = secretExpiresAt,
            TokenEndpointAuthMethod = method ?? throw new JsonException("The pending sign-in's client has no tokenEndpointAuthMethod."),
            Issuer = issuer ?? throw new JsonException("The pending sign-in's client has no issuer."),
            RedirectUris = redirectUris,
            Kind = Enum.IsDefined(kind) ? kind : throw new JsonException("The pending sign-in's client has an unknown kind."),
        };
    }

    public override void Write(Utf8JsonWriter writer, ClientRegistration value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("clientId", value.ClientId);
        if (value.ClientSecret is not null)
        {
            writer.WriteString("clientSecret", value.ClientSecret);
        }

        if (value.ClientSecretExpiresAt is { } expiresAt)
        {
            writer.WriteString("clientSecretExpiresAt", expiresAt);
        }

        writer.WriteString("tokenEndpointAuthMethod", value.TokenEndpointAuthMethod);
        writer.WriteString("issuer", value.Issuer);
        writer.WriteStartArray("redirectUris");
        foreach (string uri in value.RedirectUris)
        {
            writer.WriteStringValue(uri);
        }

        writer.WriteEndArray();
        writer.WriteNumber("kind", (int)value.Kind);
        writer.WriteEndObject();
    }

    private static List<string> ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("redirectUris is not an array.");
        }

        List<string> values = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.GetString() ?? throw new JsonException("redirectUris holds a null."));
        }

        return values;
    }
}
