using OpenBff.Sessions;

namespace OpenBff.Logout;

/// <summary>A validated logout token's sessions to end, or why it was refused.</summary>
internal sealed record LogoutTokenResult(UserSessionFilter? Sessions, string? Error)
{
    public bool IsValid => Sessions is not null;

    public static LogoutTokenResult Valid(UserSessionFilter sessions) => new(sessions, null);

    public static LogoutTokenResult Invalid(string error) => new(null, error);
}
