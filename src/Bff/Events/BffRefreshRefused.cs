namespace OpenBff;

/// <summary>The provider refused a session's refresh token (<see cref="BffEvents.RefreshRefusedAsync"/>).</summary>
public sealed class BffRefreshRefused
{
    /// <summary>The user's <c>sub</c>.</summary>
    public required string SubjectId { get; init; }

    /// <summary>The session's id (as in <see cref="BffSessionCreated.SessionId"/>).</summary>
    public required string SessionId { get; init; }

    /// <summary>The provider's OAuth error code, e.g. <c>invalid_grant</c>.</summary>
    public required string Error { get; init; }
}
