namespace OpenBff.Sessions;

/// <summary>Selects sessions by subject and/or provider session id. At least one must be set.</summary>
public sealed record UserSessionFilter
{
    /// <summary>The user's subject identifier.</summary>
    public string? SubjectId { get; init; }

    /// <summary>The provider's session id.</summary>
    public string? SessionId { get; init; }

    internal bool Matches(UserSession session) =>
        (SubjectId is null || string.Equals(SubjectId, session.SubjectId, StringComparison.Ordinal))
        && (SessionId is null || string.Equals(SessionId, session.SessionId, StringComparison.Ordinal));

    internal void EnsureValid()
    {
        if (SubjectId is null && SessionId is null)
        {
            throw new ArgumentException("A session filter needs a SubjectId, a SessionId, or both.");
        }
    }
}
