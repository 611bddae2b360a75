using System.Diagnostics;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Bench.Hosts;

/// <summary>
/// The store-size measurement's endpoints (issue 17, item 4; driven by lib/storesize.mjs):
/// <list type="bullet">
/// <item><c>POST /__bench/fill?count=N&amp;expired=E</c>: writes N sessions through the store API
/// (<see cref="IUserSessionStore.SetAsync"/>), each with the caller's real stored ticket (its
/// protected bytes as a login stored them), a key of a session key's length, two sessions per
/// <c>sub</c> and a <c>sid</c> each; the last E already expired, for the cleanup pass.</item>
/// <item><c>POST /__bench/store-ops?samples=K</c>: the cost of each store operation at that size
/// (K of each, spread over the filled sessions): a login (the ticket store's StoreAsync: serialize,
/// protect, write), a lookup (one session read from the store itself), a logout (the ticket store's
/// RemoveAsync), back-channel logout by <c>sub</c> and by <c>sid</c> (FindAsync, then the store's
/// DeleteAsync of the filter), and the active-session count (the gauge's query).</item>
/// <item><c>POST /__bench/cleanup</c>: one pass of the expiry cleanup (<see cref="SessionCleanup"/>:
/// each expired session's refresh token revoked at the provider, then deleted), timed.</item>
/// </list>
/// </summary>
internal static class StoreSizeBench
{
    private const string KeyPrefix = "fill-";

    /// <summary>Sessions filled so far, and the next of the pseudo-random walk over them.</summary>
    private static int _filled;
    private static long _cursor;

    public static async Task<Dictionary<string, object?>> FillAsync(HttpContext context, string callerKey, int count, int expired)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IUserSessionStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var template = await store.GetAsync(callerKey, context.RequestAborted) ?? throw new InvalidOperationException("the caller's session is not in the store");
        var now = time.GetUtcNow();
        var live = now + TimeSpan.FromHours(8);
        var ended = now - TimeSpan.FromMinutes(1);
        var first = _filled;
        var stopwatch = Stopwatch.StartNew();
        var parallelism = store.GetType().Name.Contains("Redis", StringComparison.Ordinal) ? 32 : 4;
        await Parallel.ForAsync(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = context.RequestAborted }, async (i, ct) =>
        {
            await store.SetAsync(
                new UserSession
                {
                    Key = Key(i),
                    SubjectId = Subject(i),
                    SessionId = $"fill-sid-{i}",
                    Created = now,
                    Renewed = now,
                    Expires = i >= first + count - expired ? ended : live,
                    Ticket = template.Ticket,
                },
                ct);
        });

        stopwatch.Stop();
        _filled = first + count;
        return new Dictionary<string, object?>
        {
            ["sessions"] = _filled,
            ["expired"] = expired,
            ["ticketBytes"] = template.Ticket.Length,
            ["fillMicrosecondsPerSession"] = stopwatch.Elapsed.TotalMicroseconds / count,
            ["seconds"] = stopwatch.Elapsed.TotalSeconds,
        };
    }

    public static async Task<Dictionary<string, object?>> MeasureOperationsAsync(HttpContext context, AuthenticationTicket ticket, int samples)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IUserSessionStore>();
        var tickets = services.GetRequiredService<ServerSideTicketStore>();
        var ct = context.RequestAborted;
        var serialized = TicketSerializer.Default.Serialize(ticket);

        // A walk over every filled session by a prime stride: each picked once, spread over the
        // whole key range (a back-channel logout may find the session an earlier one deleted: rare).
        int Next() => (int)(++_cursor * 1_000_003L % _filled);

        var logins = new string[samples];
        var login = await Time(samples, async i => logins[i] = await tickets.StoreAsync(TicketSerializer.Default.Deserialize(serialized)!, ct));
        var lookup = await Time(samples, async n =>
        {
            var key = Key(Next());
            _ = store is ICachingUserSessionStore caching ? await caching.GetFromStoreAsync(key, ct) : await store.GetAsync(key, ct);
        });
        var logout = await Time(samples, i => tickets.RemoveAsync(logins[i], ct));
        var bySubFind = 0.0;
        var bySub = await Time(samples, async n =>
        {
            var filter = new UserSessionFilter { SubjectId = Subject(Next()) };
            var found = Stopwatch.GetTimestamp();
            _ = await store.FindAsync(filter, ct);
            bySubFind += Stopwatch.GetElapsedTime(found).TotalMicroseconds;
            _ = await store.DeleteAsync(filter, ct);
        });
        var bySidFind = 0.0;
        var bySid = await Time(samples, async n =>
        {
            var filter = new UserSessionFilter { SessionId = $"fill-sid-{Next()}" };
            var found = Stopwatch.GetTimestamp();
            _ = await store.FindAsync(filter, ct);
            bySidFind += Stopwatch.GetElapsedTime(found).TotalMicroseconds;
            _ = await store.DeleteAsync(filter, ct);
        });
        var counter = services.GetRequiredService<ActiveSessionCounter>();
        long active = 0;
        var count = await Time(3, n =>
        {
            active = counter.Count() ?? -1;
            return Task.CompletedTask;
        });
        return new Dictionary<string, object?>
        {
            ["samples"] = samples,
            ["loginUs"] = login,
            ["lookupUs"] = lookup,
            ["logoutUs"] = logout,
            ["bySubUs"] = bySub,
            ["bySubFindUs"] = bySubFind / samples,
            ["bySidUs"] = bySid,
            ["bySidFindUs"] = bySidFind / samples,
            ["countUs"] = count,
            ["activeSessions"] = active,
        };
    }

    public static async Task<Dictionary<string, object?>> CleanupAsync(HttpContext context)
    {
        var cleanup = context.RequestServices.GetRequiredService<SessionCleanup>();
        var stopwatch = Stopwatch.StartNew();
        var removed = await cleanup.RunOnceAsync(context.RequestAborted);
        stopwatch.Stop();
        return new Dictionary<string, object?>
        {
            ["removed"] = removed,
            ["seconds"] = stopwatch.Elapsed.TotalSeconds,
            ["microsecondsPerSession"] = removed == 0 ? null : stopwatch.Elapsed.TotalMicroseconds / removed,
        };
    }

    /// <summary>A session key's length (43 characters, as 32 random bytes in base64url).</summary>
    private static string Key(int i) => $"{KeyPrefix}{i:D10}".PadRight(43, 'x');

    private static string Subject(int i) => $"fill-user-{i / 2}";

    /// <summary>Microseconds per operation, run one after another.</summary>
    private static async Task<double> Time(int samples, Func<int, Task> operation)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            await operation(i);
        }

        return stopwatch.Elapsed.TotalMicroseconds / samples;
    }
}
