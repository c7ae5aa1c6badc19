namespace McpOAuth.Client;

/// <summary>How a client id was obtained.</summary>
public enum ClientRegistrationKind
{
    /// <summary>Configured by the application or the user (AUTH-18).</summary>
    Preregistered,

    /// <summary>A Client ID Metadata Document URL (AUTH-19).</summary>
    MetadataDocument,

    /// <summary>RFC 7591 dynamic client registration (AUTH-21).</summary>
    Dynamic,
}
