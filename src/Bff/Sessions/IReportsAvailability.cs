namespace OpenBff.Sessions;

/// <summary>
/// A capability a session store may have: knowing without a round trip whether it can be used now
/// (Redis: connected). Readiness reports such a store at once, and logins are refused before the
/// password page while it is not available.
/// </summary>
public interface IReportsAvailability
{
    /// <summary>Whether the store can be used now.</summary>
    bool IsAvailable { get; }
}
