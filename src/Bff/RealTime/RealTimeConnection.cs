using Microsoft.AspNetCore.Http;

namespace OpenBff.RealTime;

/// <summary>
/// One upgraded connection (a WebSocket) the BFF forwards for a session, registered for the
/// request's lifetime. <see cref="Abort"/> ends it from any thread; once disposed (the request's
/// middleware returned) it never touches the <see cref="HttpContext"/>, which the server reuses.
/// </summary>
internal sealed class RealTimeConnection : IDisposable
{
    private readonly RealTimeConnections _owner;
    private readonly Lock _sync = new();
    private HttpContext? _context;

    public RealTimeConnection(RealTimeConnections owner, string sessionKey, SessionConnections session, HttpContext context)
    {
        _owner = owner;
        SessionKey = sessionKey;
        Session = session;
        _context = context;
    }

    public string SessionKey { get; }

    public SessionConnections Session { get; }

    /// <summary>Closes the connection at once (both the browser's and the API's side); true when it was still open.</summary>
    public bool Abort()
    {
        lock (_sync)
        {
            if (_context is null)
            {
                return false;
            }

            _context.Abort();
            return true;
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_context is null)
            {
                return;
            }

            _context = null;
        }

        _owner.Release(this);
    }
}
