using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Internal;

/// <summary>
/// How a client proves who it is at an authorization server's endpoints (token, device authorization, revocation): the one
/// place a client secret or a client assertion is attached to a request (RFC 6749 §2.3, RFC 7523 §2.2).
/// </summary>
/// <param name="Client">The registration: id, secret, method and the issuer it belongs to.</param>
/// <param name="AssertionKey">The <c>private_key_jwt</c> signing key, when the client authenticates with one.</param>
internal sealed record ClientAuthentication(ClientRegistration Client, AsymmetricAlgorithm? AssertionKey = null)
{
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);

    /// <summary>The authentication of a registration: the configured <c>private_key_jwt</c> key belongs to the configured
    /// (pre-registered) client only, never to a client that a server handed out.</summary>
    public static ClientAuthentication For(ClientRegistration client, AsymmetricAlgorithm? configuredKey) =>
        new(client, client.Kind == ClientRegistrationKind.Preregistered ? configuredKey : null);

    /// <summary>The client secret, wherever it travels (a Basic header or the form), for redacting an echo of it.</summary>
    public string? Secret => Client.ClientSecret;

    /// <summary>Adds the client's credentials to a form, and returns the <c>Authorization</c> header they need, if any.</summary>
    public AuthenticationHeaderValue? Apply(List<KeyValuePair<string, string>> form, TimeProvider time)
    {
        switch (Client.TokenEndpointAuthMethod)
        {
            case OAuthWireNames.AuthMethodClientSecretBasic when Client.ClientSecret is not null:
                // RFC 6749 §2.3.1: each part form-url-encoded before the Base64 of "id:secret".
                string credentials = FormUrlEncoding.Encode(Client.ClientId) + ":" + FormUrlEncoding.Encode(Client.ClientSecret);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            case OAuthWireNames.AuthMethodClientSecretPost when Client.ClientSecret is not null:
                form.Add(new(OAuthWireNames.ClientId, Client.ClientId));
                form.Add(new(OAuthWireNames.ClientSecret, Client.ClientSecret));
                return null;
            case OAuthWireNames.AuthMethodPrivateKeyJwt when AssertionKey is not null:
                form.Add(new(OAuthWireNames.ClientAssertionType, OAuthWireNames.ClientAssertionTypeJwt));
                form.Add(new(OAuthWireNames.ClientAssertion, CreateAssertion(time)));
                return null;
            default:
                form.Add(new(OAuthWireNames.ClientId, Client.ClientId));
                return null;
        }
    }

    /// <summary>RFC 7523 §2.2, §3: <c>iss</c> = <c>sub</c> = the client id, <c>aud</c> = the issuer, short-lived, unique <c>jti</c>.</summary>
    private string CreateAssertion(TimeProvider time)
    {
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = Client.ClientId,
            ["sub"] = Client.ClientId,
            ["aud"] = Client.Issuer,
            ["iat"] = now,
            ["exp"] = now + (long)AssertionLifetime.TotalSeconds,
            ["jti"] = Jwt.NewJti(),
        };
        return Jwt.Sign(new JsonObject { ["typ"] = "JWT" }, payload, AssertionKey!);
    }

    public override string ToString() => $"ClientAuthentication {{ ClientId = {Client.ClientId}, Method = {Client.TokenEndpointAuthMethod} }}";
}
