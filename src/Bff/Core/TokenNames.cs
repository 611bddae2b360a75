namespace OpenBff.Core;

/// <summary>Names under which the OpenID Connect handler saves tokens in the session.</summary>
internal static class TokenNames
{
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string IdToken = "id_token";
    public const string ExpiresAt = "expires_at";
    public const string TokenType = "token_type";

    /// <summary>The properties' item keys of the tokens the hot path reads (<c>GetTokenValue</c> builds the key anew on every call).</summary>
    public const string AccessTokenItem = ".Token." + AccessToken;

    /// <inheritdoc cref="AccessTokenItem"/>
    public const string ExpiresAtItem = ".Token." + ExpiresAt;

    /// <summary>How the item keys of an API's own access token start (<c>Tokens/ApiTokenKey</c>).</summary>
    public const string ApiTokenItemPrefix = ".Token.api|";

    /// <summary>How the item key of an API's token's expiry ends: its token's key, then this.</summary>
    public const string ApiExpiresAtSuffix = "|expires_at";

    /// <summary>The item keys of the tokens the shared copy of a session in use leaves out.</summary>
    public const string IdTokenItem = ".Token." + IdToken;

    /// <inheritdoc cref="IdTokenItem"/>
    public const string RefreshTokenItem = ".Token." + RefreshToken;
}
