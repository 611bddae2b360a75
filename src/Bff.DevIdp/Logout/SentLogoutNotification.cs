namespace Bff.DevIdp;

/// <summary>
/// One back-channel logout notification sent by the IdP (kept in memory by <see cref="SentLogoutNotifications"/>
/// for tests). <see cref="StatusCode"/> is null when no response came back (<see cref="Error"/> says why).
/// </summary>
internal sealed record SentLogoutNotification(
    string ClientId,
    string SessionId,
    string Subject,
    Uri Target,
    string LogoutToken,
    int? StatusCode,
    string? Error,
    DateTimeOffset SentAt);
