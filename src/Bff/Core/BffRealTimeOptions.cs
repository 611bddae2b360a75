namespace OpenBff;

/// <summary>
/// Limits on the long-lived connections (WebSockets, any upgraded connection) the BFF forwards to
/// APIs for a session (<c>Bff:RealTime</c>). Whatever these say, a session's connections are
/// closed within seconds of the session ending (logout, back-channel logout, expiry, a refused
/// refresh, revocation; with Redis, on every instance). How long an idle connection lives is the
/// YARP cluster's <c>HttpRequest:ActivityTimeout</c> (100 seconds by default).
/// </summary>
public sealed class BffRealTimeOptions
{
    /// <summary>
    /// Upgraded connections (WebSockets) one session may hold open through this instance at once
    /// (<c>Bff:RealTime:MaxConnectionsPerSession</c>); one more gets 429, its session's other
    /// connections and ordinary requests go on. Default 16: a few tabs of an SPA each holding one or
    /// two sockets, while a script in one page cannot hold thousands of connections to the APIs open
    /// on the BFF. <c>0</c>: no limit.
    /// </summary>
    public int MaxConnectionsPerSession { get; set; } = 16;
}
