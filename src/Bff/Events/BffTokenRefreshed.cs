namespace OpenBff;

/// <summary>A session's access token was refreshed (<see cref="BffEvents.TokenRefreshedAsync"/>).</summary>
public sealed class BffTokenRefreshed
{
    /// <summary>The user's <c>sub</c>.</summary>
    public required string SubjectId { get; init; }

    /// <summary>The session's id (as in <see cref="BffSessionCreated.SessionId"/>).</summary>
    public required string SessionId { get; init; }

    /// <summary>The API's resource indicator, or null for the session's main token (or a scope-only API).</summary>
    public string? Resource { get; init; }

    /// <summary>The API's scopes, or null for the session's main token (or a resource-only API).</summary>
    public string? Scope { get; init; }

    /// <summary>When the new access token expires, when known.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
