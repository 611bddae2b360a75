using Microsoft.Extensions.Logging;
using OpenBff.Sessions;

namespace OpenBff.RealTime;

/// <summary>
/// Reads a session with open connections as the store holds it now, and closes its connections
/// when it is gone or expired: for the ends nothing on this instance signals (an expiry, which has
/// no event; a logout or revocation on another instance).
/// </summary>
internal sealed class RealTimeSessionCheck
{
    /// <summary>While the store cannot be read, the session's connections stay open and it is read again after this.</summary>
    private static readonly TimeSpan StoreRetry = TimeSpan.FromSeconds(5);

    private readonly RealTimeConnections _connections;
    private readonly ServerSideTicketStore _tickets;
    private readonly TimeProvider _time;
    private readonly ILogger<RealTimeSessionCheck> _logger;

    public RealTimeSessionCheck(RealTimeConnections connections, ServerSideTicketStore tickets, TimeProvider time, ILogger<RealTimeSessionCheck> logger)
    {
        _connections = connections;
        _tickets = tickets;
        _time = time;
        _logger = logger;
    }

    /// <summary>Checks every session with open connections whose expiry, as last read, has come.</summary>
    public async Task CheckDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, session) in _connections.Sessions)
        {
            if (session.Expires is { } expires && expires <= now)
            {
                await CheckAsync(key, session, cancellationToken);
            }
        }
    }

    /// <summary>Checks the session stored under <paramref name="key"/>, if it has open connections here.</summary>
    public Task CheckAsync(string key, CancellationToken cancellationToken) =>
        _connections.Find(key) is { } session
            ? CheckAsync(key, session, cancellationToken)
            : Task.CompletedTask;

    private async Task CheckAsync(string key, SessionConnections session, CancellationToken cancellationToken)
    {
        Microsoft.AspNetCore.Authentication.AuthenticationTicket? ticket;
        try
        {
            // An expired session is deleted here, which closes its connections (ServerSideTicketStore).
            ticket = await _tickets.RetrieveFromStoreAsync(key, cancellationToken);
        }
        catch (Exception ex) when (SessionStoreOutage.Is(ex))
        {
            BffLog.RealTimeSessionCheckFailed(_logger, SessionStoreOutage.Describe(ex), StoreRetry);
            RealTimeConnections.SetExpires(session, _time.GetUtcNow() + StoreRetry);
            return;
        }

        if (ticket is null)
        {
            _connections.Close(key, "the session ended");
            return;
        }

        RealTimeConnections.SetExpires(session, ticket.Properties.ExpiresUtc);
        BffLog.RealTimeSessionGoesOn(_logger, ticket.Properties.ExpiresUtc);
    }
}
