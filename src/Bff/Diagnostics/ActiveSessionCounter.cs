using System.Diagnostics.Metrics;
using System.Globalization;
using Bff.Sessions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Diagnostics;

/// <summary>
/// Counts the sessions that have not expired, for the <see cref="BffMetrics.ActiveSessions"/> gauge,
/// with one cheap query to the store the BFF built: <c>COUNT(*)</c> on SQLite, <c>ZCOUNT</c> on the
/// Redis expiry index, a scan of the in-memory dictionary. The SQLite and Redis counts are those of
/// the shared store, the same on every instance. A store the application registered itself is not
/// counted (the gauge reports nothing).
/// </summary>
internal sealed class ActiveSessionCounter
{
    private readonly IServiceProvider _services;
    private readonly IOptions<BffOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ActiveSessionCounter> _logger;

    public ActiveSessionCounter(IServiceProvider services, IOptions<BffOptions> options, TimeProvider time, ILogger<ActiveSessionCounter> logger)
    {
        _services = services;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The gauge's callback: one measurement, or none when the store cannot be counted now.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        long? count;
        try
        {
            count = Count();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OperationsLog.SessionCountFailed(_logger, ex.GetType().Name);
            return [];
        }

        return count is { } active ? [new Measurement<long>(active)] : [];
    }

    /// <summary>The number of sessions not expired now; null when the store cannot be counted.</summary>
    public long? Count()
    {
        var now = _time.GetUtcNow();
        return _services.GetService<IUserSessionStore>() switch
        {
            InMemoryUserSessionStore memory => CountInMemory(memory, now),
            SqliteUserSessionStore => CountSqlite(now),
            RedisUserSessionStore => CountRedis(now),
            _ => null,
        };
    }

    /// <summary>The in-memory store answers synchronously; every session it holds has an expiry.</summary>
    private static long CountInMemory(InMemoryUserSessionStore store, DateTimeOffset now)
    {
        var all = store.FindExpiredAsync(DateTimeOffset.MaxValue, int.MaxValue, CancellationToken.None).GetAwaiter().GetResult();
        var expired = store.FindExpiredAsync(now, int.MaxValue, CancellationToken.None).GetAwaiter().GetResult();
        return Math.Max(0, all.Count - expired.Count);
    }

    /// <summary>The same database file and table as <see cref="SqliteUserSessionStore"/> (see <c>AddServerSideSessions</c>).</summary>
    private long CountSqlite(DateTimeOffset now)
    {
        var path = Path.Combine(_options.Value.ResolveDataPath(), "sessions.db");
        if (!File.Exists(path))
        {
            return 0; // no session was ever stored
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sessions WHERE expires IS NULL OR expires > $now";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The expiry index <c>{prefix}exp</c> of <see cref="RedisUserSessionStore"/>: members scored by expiry.</summary>
    private long CountRedis(DateTimeOffset now)
    {
        var db = _services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = (RedisKey)$"{_options.Value.Session.RedisKeyPrefix}exp";
        return db.SortedSetLength(key, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);
    }
}
