namespace OpenBff;

/// <summary>A session ended (<see cref="BffEvents.SessionEndedAsync"/>).</summary>
public sealed class BffSessionEnded
{
    /// <summary>The user's <c>sub</c> (empty when the stored session could not be read).</summary>
    public required string SubjectId { get; init; }

    /// <summary>The session's id (as in <see cref="BffSessionCreated.SessionId"/>; empty when unknown).</summary>
    public required string SessionId { get; init; }

    /// <summary>Why it ended.</summary>
    public required BffSessionEndReason Reason { get; init; }
}
