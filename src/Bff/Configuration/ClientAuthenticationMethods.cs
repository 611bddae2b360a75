namespace Bff;

/// <summary>Token endpoint client authentication methods the BFF supports.</summary>
public static class ClientAuthenticationMethods
{
    /// <summary>Client id and secret in the form body.</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>Client id and secret in an HTTP Basic <c>Authorization</c> header.</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary>A signed JWT assertion (RFC 7523); not implemented yet.</summary>
    public const string PrivateKeyJwt = "private_key_jwt";
}
