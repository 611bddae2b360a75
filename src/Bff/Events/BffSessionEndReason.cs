namespace OpenBff;

/// <summary>Why a session ended.</summary>
public enum BffSessionEndReason
{
    /// <summary>The user logged out (<c>/bff/logout</c>).</summary>
    Logout,

    /// <summary>The provider ended it with a back-channel logout token.</summary>
    BackChannelLogout,

    /// <summary>The provider ended it through front-channel logout.</summary>
    FrontChannelLogout,

    /// <summary>Its idle or absolute lifetime ran out.</summary>
    Expired,

    /// <summary>The provider refused its refresh token.</summary>
    RefreshRefused,

    /// <summary>Its access token expired and it had no refresh token.</summary>
    NoRefreshToken,

    /// <summary>A new login in the same browser replaced it.</summary>
    Replaced,

    /// <summary>The user had more sessions than <c>Bff:Session:MaxPerUser</c>; the oldest ended.</summary>
    OverLimit,

    /// <summary>The host ended it (<see cref="Sessions.ISessionRevocationService"/>), e.g. an administrator or an account change.</summary>
    Revoked,
}
