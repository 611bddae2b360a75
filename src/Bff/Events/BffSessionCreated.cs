namespace OpenBff;

/// <summary>A login completed and its session was stored (<see cref="BffEvents.SessionCreatedAsync"/>).</summary>
public sealed class BffSessionCreated
{
    /// <summary>The user's <c>sub</c>.</summary>
    public required string SubjectId { get; init; }

    /// <summary>The provider's <c>sid</c>, or the id the BFF gave the session when the provider issued none.</summary>
    public required string SessionId { get; init; }
}
