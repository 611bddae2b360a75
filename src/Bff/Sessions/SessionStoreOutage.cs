using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// A session store that cannot be used (Redis down or not connected, SQLite's disk full or
/// read-only) is answered with 503 and <c>Retry-After</c> instead of a 500 with a stack trace per
/// request; one warning per <see cref="LogInterval"/> names the cause.
/// </summary>
internal sealed class SessionStoreOutage(TimeProvider time, ILogger<SessionStoreOutage> logger)
{
    public const int RetryAfterSeconds = 5;

    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastLogged;

    // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_BUSY (locked too long)
    private static readonly int[] SqliteOutageCodes = [8, 10, 14, 13, 5];

    public static bool Is(Exception exception) => exception switch
    {
        SessionStoreUnavailableException or RedisConnectionException or RedisTimeoutException => true,
        SqliteException sqlite => SqliteOutageCodes.Contains(sqlite.SqliteErrorCode),
        AggregateException aggregate => aggregate.InnerExceptions.Any(Is),
        _ => exception.InnerException is { } inner && Is(inner),
    };

    public Task WriteAsync(HttpContext context, Exception exception)
    {
        var now = time.GetUtcNow();
        bool log;
        lock (_lock)
        {
            log = _lastLogged is not { } last || now - last >= LogInterval;
            if (log)
            {
                _lastLogged = now;
            }
        }

        if (log)
        {
            BffLog.SessionStoreUnavailable(logger, BffLog.Sanitize($"{Root(exception).GetType().Name}: {Root(exception).Message}", 300));
        }

        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("The session store is unavailable right now; try again in a moment.", context.RequestAborted);
    }

    private static Exception Root(Exception exception)
    {
        while (exception.InnerException is not null && exception is not (SqliteException or RedisException))
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
