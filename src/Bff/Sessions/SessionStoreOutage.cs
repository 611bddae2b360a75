using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OpenBff.Sessions;

/// <summary>
/// A session store that cannot be used (Redis down or not connected, SQLite's disk full or
/// read-only) is answered with 503 and <c>Retry-After</c> instead of a 500 with a stack trace per
/// request; one warning per <see cref="LogInterval"/> names the cause.
/// </summary>
internal sealed class SessionStoreOutage(TimeProvider time, ILogger<SessionStoreOutage> logger)
{
    public const int RetryAfterSeconds = 5;

    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    /// <summary>How long a refused write keeps logins refused when nothing has been written since.</summary>
    private static readonly TimeSpan RefusedWriteMemory = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private DateTimeOffset? _lastLogged;
    private long _writeRefusedAt = long.MinValue; // UTC ticks; a write succeeded since when MinValue

    // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_BUSY (locked too long)
    private static readonly int[] SqliteOutageCodes = [8, 10, 14, 13, 5];

    public static bool Is(Exception exception) => exception switch
    {
        SessionStoreUnavailableException or RedisConnectionException or RedisTimeoutException => true,
        SqliteException sqlite => SqliteOutageCodes.Contains(sqlite.SqliteErrorCode),
        AggregateException aggregate => aggregate.InnerExceptions.Any(Is),
        _ => exception.InnerException is { } inner && Is(inner),
    };

    /// <summary>
    /// True while the store's latest write was refused (disk full, read-only) less than 30 s ago:
    /// a login would be refused after the user typed a password, so it is refused before.
    /// </summary>
    public bool RefusesWrites =>
        Interlocked.Read(ref _writeRefusedAt) is var at && at != long.MinValue && time.GetUtcNow().UtcTicks - at < RefusedWriteMemory.Ticks;

    /// <summary>The store refused a write.</summary>
    public void WriteRefused() => Interlocked.Exchange(ref _writeRefusedAt, time.GetUtcNow().UtcTicks);

    /// <summary>The store took a write.</summary>
    public void WriteTaken()
    {
        if (Interlocked.Read(ref _writeRefusedAt) != long.MinValue)
        {
            Interlocked.Exchange(ref _writeRefusedAt, long.MinValue);
        }
    }

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
            BffLog.SessionStoreUnavailable(logger, Describe(exception));
        }

        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("The session store is unavailable right now; try again in a moment.", context.RequestAborted);
    }

    /// <summary>The store's own error (type and message), for a log line.</summary>
    public static string Describe(Exception exception) =>
        BffLog.Sanitize($"{Root(exception).GetType().Name}: {Root(exception).Message}", 300);

    private static Exception Root(Exception exception)
    {
        while (exception.InnerException is not null && exception is not (SqliteException or RedisException))
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
