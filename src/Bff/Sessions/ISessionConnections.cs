namespace OpenBff.Sessions;

/// <summary>
/// What holds connections open under a session (the real-time registry: WebSockets and event
/// streams through the BFF), told by the ticket store when the session ends so that they close.
/// An interface here keeps Sessions from depending on RealTime, which depends on Sessions.
/// </summary>
internal interface ISessionConnections
{
    /// <summary>Closes the connections open under <paramref name="sessionKey"/>; returns how many.</summary>
    int Close(string sessionKey, string reason);
}
