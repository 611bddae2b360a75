using Microsoft.Data.Sqlite;

namespace OpenBff.Sessions;

/// <summary>
/// Keeps sessions in an embedded SQLite database (WAL mode) under <c>Bff:DataPath</c>, so a
/// restart keeps every session. The schema is created on first use. The database belongs to this
/// one process (it is the single-instance store), so recently read sessions are also kept in a
/// bounded memory cache that every write and delete of this instance invalidates: a request for a
/// session in use costs no database read, and idle sessions leave the cache after a few minutes.
/// </summary>
internal sealed class SqliteUserSessionStore : IUserSessionStore, IReplayCache, ICountsSessions, ILocalSessionReader, IDisposable
{
    private const string Columns = "key, sub, sid, created, renewed, expires, ticket";


    private readonly string _connectionString;
    private readonly SessionCache.SessionReadCache<UserSession> _cache;
    private readonly Func<string, long, Task<UserSession?>> _readAndRemember;
    private readonly int _maxUsedIds;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    /// <param name="databasePath">The database file.</param>
    /// <param name="time">The clock of the read cache.</param>
    /// <param name="cacheOptions">The read cache's bounds.</param>
    /// <param name="maxUsedIds">
    /// At most this many used one-time identifiers are kept (as <see cref="InMemoryReplayCache"/>):
    /// beyond, the oldest recorded make room, so a provider whose logout tokens live for days cannot
    /// make the table grow with every logout ever made.
    /// </param>
    public SqliteUserSessionStore(string databasePath, TimeProvider time, SessionCache.SessionCacheOptions? cacheOptions = null, int maxUsedIds = InMemoryReplayCache.DefaultMaxEntries)
    {
        _maxUsedIds = maxUsedIds;
        cacheOptions ??= new SessionCache.SessionCacheOptions();
        _cache = new SessionCache.SessionReadCache<UserSession>(time, cacheOptions);
        _readAndRemember = ReadAndRememberAsync;
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30, // seconds; SQLITE_BUSY is retried until then
        }.ToString();
    }

    public bool TryReadLocal(string key, out UserSession? session)
    {
        if (_cache.TryGet(key, out var cached))
        {
            session = cached;
            return true;
        }

        session = null;
        return false;
    }

    public async Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (TryReadLocal(key, out var cached))
        {
            return cached;
        }

        // Requests that miss together share one read (not cancelled by any one of them).
        return await _cache.ReadOnceAsync(key, _readAndRemember).WaitAsync(cancellationToken);
    }

    /// <summary>A write or delete racing with this read must not be undone by caching what was read (<paramref name="version"/>).</summary>
    private async Task<UserSession?> ReadAndRememberAsync(string key, long version)
    {
        var session = await ReadAsync(key, CancellationToken.None);
        if (session is not null)
        {
            _cache.Remember(session.Key, session, version);
        }

        return session;
    }

    private async Task<UserSession?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sessions WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task SetAsync(UserSession session, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO sessions ({Columns}) VALUES ($key, $sub, $sid, $created, $renewed, $expires, $ticket)
            ON CONFLICT(key) DO UPDATE SET sub = excluded.sub, sid = excluded.sid, renewed = excluded.renewed,
                expires = excluded.expires, ticket = excluded.ticket
            """;
        command.Parameters.AddWithValue("$key", session.Key);
        command.Parameters.AddWithValue("$sub", session.SubjectId);
        command.Parameters.AddWithValue("$sid", (object?)session.SessionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", session.Created.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$renewed", session.Renewed.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", (object?)session.Expires?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$ticket", session.Ticket);
        _cache.Invalidate(session.Key);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _cache.Invalidate(session.Key); // the next read caches it: idle sessions stay out of memory
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sessions WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        _cache.Invalidate(key);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _cache.Invalidate(key);
    }

    public async Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sessions WHERE {Where(filter, command)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<UserSession>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(Read(reader));
        }

        return sessions;
    }

    public async Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM sessions WHERE {Where(filter, command)} RETURNING key";
        var deleted = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                _cache.Invalidate(key); // before the transaction ends: no read can cache it after
                deleted.Add(key);
            }
        }

        foreach (var key in deleted)
        {
            _cache.Invalidate(key); // and after: a read that raced with the delete is not kept
        }

        return deleted.Count;
    }

    public async Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sessions WHERE expires <= $now ORDER BY expires LIMIT $max";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<UserSession>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(Read(reader));
        }

        return sessions;
    }

    public async Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM used_ids WHERE expires <= $now;
            INSERT OR IGNORE INTO used_ids (id, expires) VALUES ($id, $expires);
            SELECT changes();
            """;
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$expires", expires.ToUnixTimeMilliseconds());
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 1)
        {
            return false; // a replay
        }

        // New: the oldest recorded beyond the bound make room (row ids grow with each insertion).
        await using var bound = connection.CreateCommand();
        bound.CommandText = "DELETE FROM used_ids WHERE rowid <= last_insert_rowid() - $max";
        bound.Parameters.AddWithValue("$max", _maxUsedIds);
        await bound.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public void Dispose()
    {
        _initLock.Dispose();
    }

    private static string Where(UserSessionFilter filter, SqliteCommand command)
    {
        var clauses = new List<string>(2);
        if (filter.SubjectId is not null)
        {
            clauses.Add("sub = $sub");
            command.Parameters.AddWithValue("$sub", filter.SubjectId);
        }

        if (filter.SessionId is not null)
        {
            clauses.Add("sid = $sid");
            command.Parameters.AddWithValue("$sid", filter.SessionId);
        }

        return string.Join(" AND ", clauses);
    }

    private static UserSession Read(SqliteDataReader reader) => new()
    {
        Key = reader.GetString(0),
        SubjectId = reader.GetString(1),
        SessionId = reader.IsDBNull(2) ? null : reader.GetString(2),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Renewed = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        Expires = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        Ticket = (byte[])reader.GetValue(6),
    };

    public long CountActiveSessions(DateTimeOffset now)
    {
        using var connection = OpenAsync(CancellationToken.None).GetAwaiter().GetResult(); // the gauge's callback is synchronous
        using var command = connection.CreateCommand();
        // Two counts on the expiry index: "expires IS NULL OR expires > $now" made SQLite collect
        // every matching row id to remove duplicates (a million entries in memory at 1M sessions).
        command.CommandText = "SELECT (SELECT COUNT(*) FROM sessions WHERE expires > $now) + (SELECT COUNT(*) FROM sessions WHERE expires IS NULL)";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_initialized)
        {
            await InitializeAsync(connection, cancellationToken);
        }

        // Per connection (the pool's connections each have their own): without it, only the first
        // connection wrote with NORMAL and every other one synced the WAL to disk on each commit
        // (FULL), a few milliseconds per login, refresh and logout on a virtual disk.
        await using var synchronous = connection.CreateCommand();
        synchronous.CommandText = "PRAGMA synchronous = NORMAL";
        await synchronous.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task InitializeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS sessions (
                    key     TEXT    NOT NULL PRIMARY KEY,
                    sub     TEXT    NOT NULL,
                    sid     TEXT    NULL,
                    created INTEGER NOT NULL,
                    renewed INTEGER NOT NULL,
                    expires INTEGER NULL,
                    ticket  BLOB    NOT NULL
                );
                CREATE INDEX IF NOT EXISTS ix_sessions_sub ON sessions (sub);
                CREATE INDEX IF NOT EXISTS ix_sessions_sid ON sessions (sid);
                CREATE INDEX IF NOT EXISTS ix_sessions_expires ON sessions (expires);
                CREATE TABLE IF NOT EXISTS used_ids (
                    id      TEXT    NOT NULL PRIMARY KEY,
                    expires INTEGER NOT NULL
                );
                CREATE INDEX IF NOT EXISTS ix_used_ids_expires ON used_ids (expires);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}
