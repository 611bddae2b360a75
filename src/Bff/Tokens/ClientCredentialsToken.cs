namespace OpenBff;

/// <summary>
/// An access token for local code, or why there is none (<see cref="Error"/>). The token is a
/// secret: never log it or send it to the browser (<see cref="object.ToString"/> does not show it).
/// </summary>
public class ClientCredentialsToken
{
    /// <summary>No session: the request is not logged in (user tokens only).</summary>
    public const string NoSession = "no_session";

    /// <summary>The provider refused the session's refresh token: the session has ended.</summary>
    public const string SessionEnded = "session_ended";

    /// <summary>The provider could not be reached or failed; the session (if any) is kept.</summary>
    public const string ProviderUnavailable = "provider_unavailable";

    /// <summary>The provider refused the request (e.g. an unknown resource or scope); the session is kept.</summary>
    public const string ProviderRejected = "provider_rejected";

    /// <summary>The provider did not answer within <c>Bff:Tokens:RefreshTimeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>The access token, or null when <see cref="IsError"/>.</summary>
    public string? AccessToken { get; init; }

    /// <summary>When it expires, when the provider said (or the token is a JWT with <c>exp</c>).</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>Why there is no token: one of the constants of this type; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>True when there is no token.</summary>
    public bool IsError => Error is not null;
}
