namespace Bff.Tokens;

/// <summary>Names under which the OpenID Connect handler saves tokens in the session.</summary>
internal static class TokenNames
{
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string IdToken = "id_token";
    public const string ExpiresAt = "expires_at";
    public const string TokenType = "token_type";
}
