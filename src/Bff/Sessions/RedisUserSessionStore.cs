using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OpenBff.Sessions;

/// <summary>
/// Keeps sessions in Redis, shared by every BFF instance. Layout, under the key prefix
/// (<c>Bff:Session:RedisKeyPrefix</c>, default <c>bff:</c>):
/// <list type="bullet">
/// <item><c>s:{key}</c> a hash (sub, sid, created, renewed, expires, ticket) living until the session
/// expires plus a grace period, so the cleanup can still revoke its refresh token;</item>
/// <item><c>sub:{sub}</c> and <c>sid:{sid}</c> sets of session keys (stale members are pruned on read),
/// each living until its longest session's data does;</item>
/// <item><c>exp</c> a sorted set of session keys by expiry, for the cleanup (entries whose session
/// data is gone are also trimmed by every write, so it does not grow without the cleanup);</item>
/// <item><c>jti:{id}</c> used one-time identifiers (the replay cache);</item>
/// <item>the pub/sub channel <c>invalidate</c>: every write and delete publishes the session key.</item>
/// </list>
/// Sessions read recently are kept in process memory (<c>Bff:Session:RedisLocalCacheLifetime</c>),
/// so a request for a session in use costs no Redis round trip. A copy is used only while this
/// instance is subscribed to the invalidation channel: a write or delete by any instance evicts it
/// here as soon as the message arrives, a lost connection empties the cache until the subscription
/// is confirmed again, and no copy is older than the configured lifetime. The requests that find
/// no copy at the same moment (when a copy ages out, every request of that session in flight)
/// share one read. Reads that decide what to write (<see cref="GetFromStoreAsync"/>, under the
/// session lock) always read Redis.
/// <para>
/// When the connection fails, the copies held at that instant are set aside: while Redis cannot be
/// reached, and for at most <c>Bff:Session:RedisOutageLifetime</c> after the failure, the sessions
/// in use are answered from them (read only); every other session, and every write, answers 503.
/// </para>
/// </summary>
internal sealed class RedisUserSessionStore : IUserSessionStore, IReplayCache, ICachingUserSessionStore, ICountsSessions, ILocalSessionReader, IDisposable, IReportsAvailability
{
    private static readonly TimeSpan Grace = TimeSpan.FromDays(1);
    private static readonly TimeSpan SubscriptionRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OutageSnapshotMaxAge = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds the session key (ARGV[1]) to each index set (KEYS), and makes each set live at least
    /// ARGV[2] milliseconds (its longest session's end plus the grace period), or for ever (-1, a
    /// session without expiry): a set whose sessions all ended leaves by itself, with or without the
    /// cleanup. A set that exists without a lifetime keeps none (a session without expiry is in it).
    /// </summary>
    private const string AddToIndexesScript = """
        local lifetime = tonumber(ARGV[2])
        for _, set in ipairs(KEYS) do
          local existed = redis.call('EXISTS', set)
          redis.call('SADD', set, ARGV[1])
          if lifetime < 0 then
            redis.call('PERSIST', set)
          else
            local left = redis.call('PTTL', set)
            if existed == 0 or (left >= 0 and left < lifetime) then
              redis.call('PEXPIRE', set, lifetime)
            end
          end
        end
        return 0
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly RedisChannel _channel;
    private readonly SessionCache.SessionReadCache<UserSession>? _cache;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _subscriptionLock = new();
    private DateTimeOffset _nextSubscriptionAttempt = DateTimeOffset.MinValue;
    private Task? _subscribing;
    private long _connectionEpoch;
    private volatile bool _subscribed;
    private readonly TimeSpan _outageLifetime;
    private volatile OutageCopies? _outage;
    private readonly Func<string, long, Task<UserSession?>> _readAndRemember;

    public RedisUserSessionStore(IConnectionMultiplexer redis, string prefix, TimeSpan localCacheLifetime, TimeSpan outageLifetime, TimeProvider time, ILogger<RedisUserSessionStore> logger, SessionCache.SessionCacheOptions? cacheOptions = null)
    {
        _redis = redis;
        _outageLifetime = outageLifetime;
        _prefix = prefix;
        _logger = logger;
        _time = time;
        _channel = InvalidationChannel(prefix);
        _readAndRemember = ReadAndRememberAsync;
        if (localCacheLifetime > TimeSpan.Zero)
        {
            cacheOptions ??= new SessionCache.SessionCacheOptions();
            _cache = new SessionCache.SessionReadCache<UserSession>(time, cacheOptions, localCacheLifetime);
            redis.ConnectionFailed += OnConnectionFailed;
            redis.ConnectionRestored += OnConnectionRestored;
            StartSubscription();
        }
    }

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>The channel every write and delete of a session publishes its key on.</summary>
    public static RedisChannel InvalidationChannel(string prefix) => RedisChannel.Literal($"{prefix}invalidate");

    /// <summary>Not connected: fail at once (503) instead of queueing the command until its timeout.</summary>
    private IDatabase Db => _redis.IsConnected ? _redis.GetDatabase() : throw new SessionStoreUnavailableException("Redis is not connected.");

    /// <summary>The expiry index's members whose expiry is after <paramref name="now"/> (sessions without expiry are in it at +inf).</summary>
    public long CountActiveSessions(DateTimeOffset now) =>
        Db.SortedSetLength(ExpiryKey, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);

    public bool TryReadLocal(string key, out UserSession? session)
    {
        if (_subscribed && _cache!.TryGet(key, out var cached))
        {
            session = cached;
            return true;
        }

        session = null;
        return false; // the outage copy is GetAsync's decision
    }

    public async Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (TryReadLocal(key, out var cached))
        {
            return cached;
        }

        if (_outage is { } outage && !_redis.IsConnected && outage.TryGet(key, _time.GetUtcNow(), out var kept))
        {
            return kept; // Redis is down: the copy this instance held when it failed, for a bounded time
        }

        // Subscribed: the requests that miss together (a copy aged out) share one read. Not
        // subscribed, every request reads Redis itself, as with no cache.
        return _cache is not null && _subscribed
            ? await _cache.ReadOnceAsync(key, _readAndRemember)
            : await GetFromStoreAsync(key, cancellationToken);
    }

    public async Task<UserSession?> GetFromStoreAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return await ReadAsync(key);
        }

        if (!_subscribed)
        {
            StartSubscription();
        }

        return await ReadAndRememberAsync(key, _cache.BeginRead());
    }

    /// <summary>Reads Redis; keeps the copy unless an invalidation or a reconnection overtook the read (<paramref name="version"/>).</summary>
    private async Task<UserSession?> ReadAndRememberAsync(string key, long version)
    {
        var session = await ReadAsync(key);
        if (session is not null && _subscribed)
        {
            _cache!.Remember(session.Key, session, version);
        }

        return session;
    }

    private async Task<UserSession?> ReadAsync(string key)
    {
        var fields = await Db.HashGetAllAsync(SessionKey(key));
        return fields.Length == 0 ? null : Read(key, fields);
    }

    public async Task SetAsync(UserSession session, CancellationToken cancellationToken)
    {
        _cache?.Invalidate(session.Key);
        var db = Db;
        var previous = await db.HashGetAsync(SessionKey(session.Key), [Field.Sub, Field.Sid]);
        var transaction = db.CreateTransaction();
        var key = SessionKey(session.Key);
        _ = transaction.HashSetAsync(key,
        [
            new(Field.Sub, session.SubjectId),
            new(Field.Sid, session.SessionId ?? string.Empty),
            new(Field.Created, session.Created.ToUnixTimeMilliseconds()),
            new(Field.Renewed, session.Renewed.ToUnixTimeMilliseconds()),
            new(Field.Expires, session.Expires?.ToUnixTimeMilliseconds() ?? 0),
            new(Field.Ticket, session.Ticket),
        ]);
        if (session.Expires is { } expires)
        {
            _ = transaction.KeyExpireAsync(key, (expires + Grace).UtcDateTime);
            _ = transaction.SortedSetAddAsync(ExpiryKey, session.Key, expires.ToUnixTimeMilliseconds());
        }
        else
        {
            // In the index at +inf: counted as active, never found expired (as the other stores do).
            _ = transaction.KeyPersistAsync(key);
            _ = transaction.SortedSetAddAsync(ExpiryKey, session.Key, double.PositiveInfinity);
        }

        if (!previous[0].IsNull && previous[0] != session.SubjectId)
        {
            _ = transaction.SetRemoveAsync(SubjectKey(previous[0]!), session.Key);
        }

        if (!previous[1].IsNullOrEmpty && previous[1] != session.SessionId)
        {
            _ = transaction.SetRemoveAsync(SidKey(previous[1]!), session.Key);
        }

        RedisKey[] indexes = session.SessionId is null ? [SubjectKey(session.SubjectId)] : [SubjectKey(session.SubjectId), SidKey(session.SessionId)];
        var indexLifetime = session.Expires is { } end ? Math.Max(1, (long)(end + Grace - _time.GetUtcNow()).TotalMilliseconds) : -1;
        _ = transaction.ScriptEvaluateAsync(AddToIndexesScript, indexes, [session.Key, indexLifetime]);

        // Entries whose session data Redis has already dropped (expired more than the grace period
        // ago): the cleanup removes them when it runs; without it (CleanupInterval 0) they would pile up.
        _ = transaction.SortedSetRemoveRangeByScoreAsync(ExpiryKey, double.NegativeInfinity, (_time.GetUtcNow() - Grace).ToUnixTimeMilliseconds());

        _ = transaction.PublishAsync(_channel, session.Key); // other instances drop their copies
        await transaction.ExecuteAsync();
        _cache?.Invalidate(session.Key); // a read that raced with the write is not kept; the next read caches it
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _cache?.Invalidate(key);
        var db = Db;
        var indexed = await db.HashGetAsync(SessionKey(key), [Field.Sub, Field.Sid]);
        var transaction = db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(SessionKey(key));
        _ = transaction.SortedSetRemoveAsync(ExpiryKey, key);
        if (!indexed[0].IsNull)
        {
            _ = transaction.SetRemoveAsync(SubjectKey(indexed[0]!), key);
        }

        if (!indexed[1].IsNullOrEmpty)
        {
            _ = transaction.SetRemoveAsync(SidKey(indexed[1]!), key);
        }

        _ = transaction.PublishAsync(_channel, key);
        await transaction.ExecuteAsync();
        _cache?.Invalidate(key);
    }

    public async Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        filter.EnsureValid();
        var db = Db;
        var index = filter.SessionId is not null ? SidKey(filter.SessionId) : SubjectKey(filter.SubjectId!);
        var sessions = new List<UserSession>();
        foreach (var member in await db.SetMembersAsync(index))
        {
            var session = await ReadAsync(member!);
            if (session is null)
            {
                await db.SetRemoveAsync(index, member); // the session expired: prune the index
            }
            else if (filter.Matches(session))
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public async Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken)
    {
        var sessions = await FindAsync(filter, cancellationToken);
        foreach (var session in sessions)
        {
            await DeleteAsync(session.Key, cancellationToken);
        }

        return sessions.Count;
    }

    public async Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var db = Db;
        var keys = await db.SortedSetRangeByScoreAsync(ExpiryKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: max);
        var sessions = new List<UserSession>(keys.Length);
        foreach (var key in keys)
        {
            var session = await ReadAsync(key!);
            if (session is null)
            {
                await db.SortedSetRemoveAsync(ExpiryKey, key);
            }
            else
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public Task<bool> TryUseOnceAsync(string id, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifetime = expires - now;
        return Db.StringSetAsync($"{_prefix}jti:{id}", 1, lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(1), When.NotExists);
    }

    public void Dispose()
    {
        if (_cache is not null)
        {
            _redis.ConnectionFailed -= OnConnectionFailed;
            _redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    /// <summary>
    /// Subscribes to the invalidation channel, once at a time; copies are used once the server
    /// confirmed it. After a refusal (e.g. an ACL without the channel) the next attempt waits
    /// <see cref="SubscriptionRetry"/>, or a reconnection.
    /// </summary>
    private void StartSubscription()
    {
        lock (_subscriptionLock)
        {
            if (_subscribing is { IsCompleted: false } || _subscribed || _time.GetUtcNow() < _nextSubscriptionAttempt)
            {
                return;
            }

            _subscribing = SubscribeAsync(Interlocked.Read(ref _connectionEpoch));
        }
    }

    private async Task SubscribeAsync(long epoch)
    {
        try
        {
            var subscriber = _redis.GetSubscriber();
            await subscriber.UnsubscribeAsync(_channel, OnInvalidation); // after a reconnection: subscribe anew, confirmed
            await subscriber.SubscribeAsync(_channel, OnInvalidation);
            lock (_subscriptionLock)
            {
                if (Interlocked.Read(ref _connectionEpoch) == epoch)
                {
                    _cache!.Clear(); // reads that began before the subscription are not kept
                    _subscribed = true;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            lock (_subscriptionLock)
            {
                _nextSubscriptionAttempt = _time.GetUtcNow() + SubscriptionRetry;
            }

            BffLog.SessionInvalidationUnavailable(_logger, ex.GetType().Name, SubscriptionRetry);
        }
    }

    private void OnInvalidation(RedisChannel channel, RedisValue message) => _cache!.Invalidate(message.ToString());

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => DropCopies("failed", e.ConnectionType, keepForOutage: true);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => DropCopies("was restored", e.ConnectionType, keepForOutage: false);

    /// <summary>
    /// Messages may have been missed: stop using copies until the subscription is confirmed again.
    /// A failure sets the copies aside for the outage (the first failure of an outage: later
    /// ones have nothing newer to keep); a restored connection ends the outage.
    /// </summary>
    private void DropCopies(string change, ConnectionType connectionType, bool keepForOutage)
    {
        lock (_subscriptionLock)
        {
            Interlocked.Increment(ref _connectionEpoch);
            _subscribed = false;
            _nextSubscriptionAttempt = DateTimeOffset.MinValue;
            var now = _time.GetUtcNow();
            if (!keepForOutage)
            {
                _outage = null;
            }
            else if (_outageLifetime > TimeSpan.Zero && (_outage is null || now - _outage.Taken > OutageSnapshotMaxAge))
            {
                // One outage fails both connections, in either order, within moments: the first
                // failure's copies serve it. A set-aside older than that (the subscription failed
                // alone long ago; reads went to Redis since) is replaced by what the cache holds
                // now, which is nothing: no copy older than the instance's latest reads is used.
                _outage = new OutageCopies(_cache!.Snapshot(), now, now + _outageLifetime);
            }

            _cache!.Clear();
        }

        BffLog.SessionCacheDropped(_logger, change, connectionType.ToString());
    }

    /// <summary>The copies held when the connection failed (<paramref name="taken"/>), usable until <paramref name="until"/>.</summary>
    private sealed class OutageCopies(IReadOnlyDictionary<string, UserSession> sessions, DateTimeOffset taken, DateTimeOffset until)
    {
        public DateTimeOffset Taken { get; } = taken;

        public bool TryGet(string key, DateTimeOffset now, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out UserSession session)
        {
            session = null;
            return now < until && sessions.TryGetValue(key, out session);
        }
    }

    /// <summary>
    /// The session from its hash's fields, their names' bytes compared with <see cref="Field"/>'s names
    /// (a read happens at every copy expiry of every session in use: no dictionary, no name strings).
    /// </summary>
    private static UserSession Read(string key, HashEntry[] fields)
    {
        RedisValue sub = default, sid = default, created = default, renewed = default, expires = default, ticket = default;
        foreach (var field in fields)
        {
            var name = ((ReadOnlyMemory<byte>)field.Name).Span;
            if (Ascii.Equals(name, Field.Sub))
            {
                sub = field.Value;
            }
            else if (Ascii.Equals(name, Field.Sid))
            {
                sid = field.Value;
            }
            else if (Ascii.Equals(name, Field.Created))
            {
                created = field.Value;
            }
            else if (Ascii.Equals(name, Field.Renewed))
            {
                renewed = field.Value;
            }
            else if (Ascii.Equals(name, Field.Expires))
            {
                expires = field.Value;
            }
            else if (Ascii.Equals(name, Field.Ticket))
            {
                ticket = field.Value;
            }
        }

        if (sub.IsNull || created.IsNull || renewed.IsNull || expires.IsNull || ticket.IsNull)
        {
            throw new InvalidDataException($"The Redis hash of a session lacks a field ({Field.Sub}, {Field.Created}, {Field.Renewed}, {Field.Expires} and {Field.Ticket} are written together).");
        }

        var expiresAt = (long)expires;
        var sessionId = sid.IsNullOrEmpty ? null : sid.ToString();
        return new UserSession
        {
            Key = key,
            SubjectId = sub!,
            SessionId = sessionId,
            Created = DateTimeOffset.FromUnixTimeMilliseconds((long)created),
            Renewed = DateTimeOffset.FromUnixTimeMilliseconds((long)renewed),
            Expires = expiresAt == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
            Ticket = (byte[])ticket!,
        };
    }

    private RedisKey SessionKey(string key) => $"{_prefix}s:{key}";

    private RedisKey SubjectKey(string sub) => $"{_prefix}sub:{sub}";

    private RedisKey SidKey(string sid) => $"{_prefix}sid:{sid}";

    private RedisKey ExpiryKey => $"{_prefix}exp";

    private static class Field
    {
        public const string Sub = "sub";
        public const string Sid = "sid";
        public const string Created = "created";
        public const string Renewed = "renewed";
        public const string Expires = "expires";
        public const string Ticket = "ticket";
    }
}
