namespace OpenBff;

/// <summary>Token endpoint client authentication methods the BFF supports.</summary>
public static class ClientAuthenticationMethods
{
    /// <summary>Client id and secret in the form body.</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>Client id and secret in an HTTP Basic <c>Authorization</c> header.</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary>A JWT assertion signed with the client's private key (RFC 7523).</summary>
    public const string PrivateKeyJwt = "private_key_jwt";
}
