using System.Diagnostics;
using Bff.Host;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bff.Bench.Hosts;

/// <summary>
/// The real BFF host, built by <see cref="BffHostApp.Build"/> from configuration exactly as
/// Bff.Host's Main does, plus (first in the pipeline, loopback only) the bench endpoints:
/// <list type="bullet">
/// <item><c>GET /__bench/stats</c>: allocations, CPU time, working set of this process;</item>
/// <item><c>GET /__bench/session</c>: sizes of the caller's stored session (ticket, tokens);</item>
/// <item><c>POST /__bench/sessions?count=N</c>: stores N copies of the caller's real session
/// ticket through the real ticket store and reports the managed-heap growth per session.</item>
/// <item><c>POST /__bench/cookies?count=N&amp;file=PATH</c>: signs in N more sessions, each a copy of
/// the caller's real ticket with a subject and session id of its own, through the real cookie
/// handler and ticket store, and writes their session cookies (<c>name=value</c>, one per line) to
/// PATH, for the scale run's wrk script (lib/scale.mjs).</item>
/// <item><c>POST /__bench/misses?count=K</c>: the cache-miss path of K of those sessions: each
/// evicted from the decrypted-ticket cache, then read from the store itself and decrypted.</item>
/// <item><c>POST /__bench/fill</c>, <c>/__bench/store-ops</c>, <c>/__bench/cleanup</c>: the
/// store-size measurement (<see cref="StoreSizeBench"/>).</item>
/// <item><c>GET /__bench/allocations?seconds=N</c>: what the process allocates meanwhile (the
/// load comes from elsewhere, e.g. wrk): the runtime's allocation samples over N seconds (default
/// 5), their bytes in all and by type.</item>
/// <item><c>GET /__bench/heap</c>: the managed heap after full blocking compacting collections,
/// the process's RSS, the active sessions of the store and the entries of the library's in-memory
/// caches (the soak samples it).</item>
/// </list>
/// </summary>
internal static class BffBenchHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var app = BffHostApp.Build(args, builder =>
            {
                builder.Services.AddSingleton<IStartupFilter>(new BenchStats(HandleAsync));
                BenchExperiments.Apply(builder, BenchExperiments.Names(builder));
            });
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            // Same answer as Bff.Host's Main: the driver reads it (e.g. a store this build does not have).
            Console.Error.WriteLine("The BFF cannot start: its configuration is invalid.");
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"  - {failure}");
            }

            return 1;
        }
    }

    private static async Task<bool> HandleAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals("/__bench/session", StringComparison.Ordinal))
        {
            var (key, ticket) = await CurrentSessionAsync(context);
            if (ticket is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return true;
            }

            await BenchStats.WriteJsonAsync(context, await DescribeAsync(context, key!, ticket));
            return true;
        }

        if (path.Equals("/__bench/allocations", StringComparison.Ordinal))
        {
            await BenchStats.WriteJsonAsync(context, await SampleAllocationsAsync(context));
            return true;
        }

        if (path.Equals("/__bench/heap", StringComparison.Ordinal))
        {
            await BenchStats.WriteJsonAsync(context, Heap(context.RequestServices));
            return true;
        }

        if (path.Equals("/__bench/sessions", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            var (key, ticket) = await CurrentSessionAsync(context);
            if (ticket is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return true;
            }

            var count = int.TryParse(context.Request.Query["count"], out var n) && n is > 0 and <= 100_000 ? n : 10_000;
            if (int.TryParse(context.Request.Query["tokenChars"], out var chars) && chars is > 0 and <= 16_384)
            {
                ticket = WithTokenSizes(ticket, chars);
            }

            await BenchStats.WriteJsonAsync(context, await MeasureIdleSessionsAsync(context, key!, ticket, count));
            return true;
        }

        if (path.Equals("/__bench/cookies", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            var (_, ticket) = await CurrentSessionAsync(context);
            var file = context.Request.Query["file"].ToString();
            if (ticket is null || !int.TryParse(context.Request.Query["count"], out var count) || count is < 1 or > 1_000_000 || !Path.IsPathFullyQualified(file))
            {
                context.Response.StatusCode = ticket is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest;
                return true;
            }

            await BenchStats.WriteJsonAsync(context, await SignInSessionsAsync(context, ticket, count, file));
            return true;
        }

        if (path.Equals("/__bench/fill", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            var (key, _) = await CurrentSessionAsync(context);
            if (key is null || !int.TryParse(context.Request.Query["count"], out var count) || count is < 1 or > 10_000_000
                || !int.TryParse(context.Request.Query["expired"], out var expired) || expired < 0 || expired > count)
            {
                context.Response.StatusCode = key is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest;
                return true;
            }

            await BenchStats.WriteJsonAsync(context, await StoreSizeBench.FillAsync(context, key, count, expired));
            return true;
        }

        if (path.Equals("/__bench/store-ops", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            var (_, ticket) = await CurrentSessionAsync(context);
            if (ticket is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return true;
            }

            var samples = int.TryParse(context.Request.Query["samples"], out var k) && k is > 0 and <= 100_000 ? k : 1_000;
            await BenchStats.WriteJsonAsync(context, await StoreSizeBench.MeasureOperationsAsync(context, ticket, samples));
            return true;
        }

        if (path.Equals("/__bench/cleanup", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            await BenchStats.WriteJsonAsync(context, await StoreSizeBench.CleanupAsync(context));
            return true;
        }

        if (path.Equals("/__bench/misses", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            var count = int.TryParse(context.Request.Query["count"], out var k) && k > 0 ? k : 1_000;
            await BenchStats.WriteJsonAsync(context, await MeasureMissesAsync(context, count));
            return true;
        }

        return false;
    }

    /// <summary>The keys of the sessions <see cref="SignInSessionsAsync"/> made, in order.</summary>
    private static readonly List<string> SignedInKeys = [];

    /// <summary>
    /// Signs in <paramref name="count"/> sessions through the real cookie handler (its events, the
    /// server-side ticket store, the session cookie it writes), each with its own <c>sub</c> and
    /// <c>sid</c> so that no per-user limit applies, and appends their cookies to <paramref name="file"/>.
    /// </summary>
    private static async Task<Dictionary<string, object?>> SignInSessionsAsync(HttpContext context, AuthenticationTicket ticket, int count, string file)
    {
        var serialized = TicketSerializer.Default.Serialize(ticket);
        var prefix = $"{context.RequestServices.GetRequiredService<IOptions<BffOptions>>().Value.Session.CookieName}=";
        var cookieFormat = context.RequestServices.GetRequiredService<IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(BffDefaults.CookieScheme).TicketDataFormat;
        var stopwatch = Stopwatch.StartNew();
        await using var writer = new StreamWriter(file, append: true);
        for (var i = 0; i < count; i++)
        {
            var login = TicketSerializer.Default.Deserialize(serialized)!;
            var n = SignedInKeys.Count;
            var identity = new System.Security.Claims.ClaimsIdentity(
                login.Principal.Claims.Select(c => c.Type switch
                {
                    "sub" => new System.Security.Claims.Claim("sub", $"bench-user-{n}", c.ValueType, c.Issuer),
                    "sid" => new System.Security.Claims.Claim("sid", $"bench-sid-{n}", c.ValueType, c.Issuer),
                    _ => c,
                }),
                login.Principal.Identity?.AuthenticationType,
                "name",
                "role");
            // A scope of its own: the handler provider is scoped and keeps the handler it made for
            // the caller's request (which answered CurrentSessionAsync), bound to that request.
            await using var scope = context.RequestServices.CreateAsyncScope();
            var signIn = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            signIn.Request.Scheme = context.Request.Scheme;
            signIn.Request.Host = context.Request.Host;
            signIn.Request.Path = "/signin-oidc";
            await signIn.SignInAsync(BffDefaults.CookieScheme, new System.Security.Claims.ClaimsPrincipal(identity), login.Properties);
            var cookies = signIn.Response.Headers.SetCookie.Where(c => c is not null && c.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
            if (cookies.Length != 1)
            {
                throw new InvalidOperationException($"the sign-in wrote {cookies.Length} session cookies (status {signIn.Response.StatusCode}, headers {string.Join(" | ", signIn.Response.Headers.Select(h => $"{h.Key}: {h.Value}"))})");
            }

            var cookie = cookies[0]![..cookies[0]!.IndexOf(';', StringComparison.Ordinal)];
            await writer.WriteLineAsync(cookie);
            var cookieTicket = cookieFormat.Unprotect(cookie[prefix.Length..]);
            SignedInKeys.Add(cookieTicket?.Principal.FindFirst("Microsoft.AspNetCore.Authentication.Cookies-SessionId")?.Value
                ?? throw new InvalidOperationException("the session cookie carries no session id"));
        }

        return new Dictionary<string, object?>
        {
            ["sessions"] = SignedInKeys.Count,
            ["added"] = count,
            ["signInMicrosecondsPerSession"] = stopwatch.Elapsed.TotalMicroseconds / count,
        };
    }

    /// <summary>
    /// The cache-miss path of a session: out of the decrypted-ticket cache, read from the store
    /// itself (never a local copy) and decrypted, for <paramref name="count"/> sessions spread over
    /// those signed in.
    /// </summary>
    private static async Task<Dictionary<string, object?>> MeasureMissesAsync(HttpContext context, int count)
    {
        var services = context.RequestServices;
        var tickets = services.GetRequiredService<ServerSideTicketStore>();
        var cache = services.GetRequiredService<OpenBff.SessionCache.TicketCache>();
        var keys = Enumerable.Range(0, count).Select(i => SignedInKeys[(int)((long)i * SignedInKeys.Count / count)]).ToArray();
        foreach (var key in keys)
        {
            cache.Remove(key);
        }

        var stopwatch = Stopwatch.StartNew();
        foreach (var key in keys)
        {
            _ = await tickets.RetrieveFromStoreAsync(key, context.RequestAborted) ?? throw new InvalidOperationException($"session {key} is not in the store");
        }

        stopwatch.Stop();
        return new Dictionary<string, object?>
        {
            ["misses"] = count,
            ["microsecondsPerMiss"] = stopwatch.Elapsed.TotalMicroseconds / count,
        };
    }

    private static async Task<(string? Key, AuthenticationTicket? Ticket)> CurrentSessionAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        var key = result.Succeeded ? result.Properties?.GetSessionKey() : null;
        if (key is null)
        {
            return (null, null);
        }

        // The whole session as stored (the shared copy of a session in use leaves out the ID and refresh tokens).
        var tickets = context.RequestServices.GetRequiredService<ServerSideTicketStore>();
        return (key, await tickets.RetrieveFromStoreAsync(key, context.RequestAborted));
    }

    private static async Task<Dictionary<string, object?>> DescribeAsync(HttpContext context, string key, AuthenticationTicket ticket)
    {
        var store = context.RequestServices.GetRequiredService<IUserSessionStore>();
        var session = await store.GetAsync(key, context.RequestAborted);
        var tokens = ticket.Properties.GetTokens().ToDictionary(t => t.Name, t => (object?)t.Value.Length);
        return new Dictionary<string, object?>
        {
            ["store"] = store.GetType().Name,
            ["protectedTicketBytes"] = session?.Ticket.Length,
            ["serializedTicketBytes"] = TicketSerializer.Default.Serialize(ticket).Length,
            ["claims"] = ticket.Principal.Claims.Count(),
            ["claimTypes"] = ticket.Principal.Claims.Select(c => c.Type).ToArray(),
            ["propertyItems"] = ticket.Properties.Items.Count,
            ["tokenLengths"] = tokens,
            ["expiresAt"] = ticket.Properties.GetTokenValue("expires_at"),
            ["refreshBeforeExpiry"] = context.RequestServices.GetRequiredService<IOptionsMonitor<BffOptions>>().CurrentValue.Tokens.RefreshBeforeExpiry.ToString(),
        };
    }

    /// <summary>
    /// What a proxied request derives from a cached ticket (<c>SessionCache/SharedProperties.Token</c>:
    /// the main access token's header value and expiry), looked up by name so that this
    /// measurement works with the builds before (two parameters, derived on first use) and after
    /// (one) stop 28; nothing for properties that are not a cached ticket's.
    /// </summary>
    private static void DeriveHeaderValue(AuthenticationProperties properties)
    {
        var token = properties.GetType().GetMethod("Token");
        object?[]? arguments = token?.GetParameters().Length switch
        {
            1 => [".Token.access_token"],
            2 => [".Token.access_token", ".Token.expires_at"],
            _ => null,
        };
        if (token is not null && arguments is not null)
        {
            _ = token.Invoke(properties, arguments);
        }
    }

    /// <summary>
    /// Stores <paramref name="count"/> sessions, each with its own copy of the caller's real ticket
    /// (its claims and tokens as the dev IdP issued them, deserialized anew per session as a login
    /// would produce it), through the real <see cref="ServerSideTicketStore"/>, and measures the
    /// managed heap before and after with full blocking compacting collections: as created (after
    /// the login), in use (after one read of each, with whatever the library then keeps per session,
    /// e.g. its cache of decrypted tickets), and once those cache entries are gone (what a session
    /// idle for longer than the cache keeps costs).
    /// The sessions stay in the store (the process is stopped after the run).
    /// </summary>
    private static async Task<Dictionary<string, object?>> MeasureIdleSessionsAsync(HttpContext context, string key, AuthenticationTicket ticket, int count)
    {
        var services = context.RequestServices;
        var tickets = services.GetRequiredService<ServerSideTicketStore>();
        var description = await DescribeAsync(context, key, ticket);
        var serialized = TicketSerializer.Default.Serialize(ticket);
        var keys = new string[count];
        var heapBefore = FullCollect();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var login = TicketSerializer.Default.Deserialize(serialized)!;
            keys[i] = await tickets.StoreAsync(login, context, context.RequestAborted);
        }

        stopwatch.Stop();
        var sample = await services.GetRequiredService<IUserSessionStore>().GetAsync(keys[0], context.RequestAborted);
        description["protectedTicketBytes"] = sample?.Ticket.Length;
        await Task.Delay(TimeSpan.FromSeconds(1)); // let the console logger drain its queue ("Session created" lines)
        var heapAfter = FullCollect();

        // Each session used once as a proxied request uses it (the session read, then its access
        // token's header value taken from the cached ticket): what the library then keeps per
        // session in use (its cache of decrypted tickets, with what the hot path derives there).
        foreach (var stored in keys)
        {
            if (await tickets.RetrieveAsync(stored, context.RequestAborted) is { } used)
            {
                DeriveHeaderValue(used.Properties);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // the same compaction (see below)
        var heapInUse = FullCollect();

        // The library's cache of decrypted tickets (internal; looked up by name so that this
        // measurement keeps working whether or not a build has it).
        var cacheType = typeof(ServerSideTicketStore).Assembly.GetType("OpenBff.SessionCache.TicketCache");
        var cache = cacheType is null ? null : services.GetService(cacheType);
        var remove = cacheType?.GetMethod("Remove", [typeof(string)]);
        if (cache is not null && remove is not null)
        {
            foreach (var stored in keys)
            {
                remove.Invoke(cache, [stored]);
            }
        }

        // Filling the cache to its bound starts MemoryCache's compaction on a thread-pool thread,
        // whose list of entries keeps them alive while it runs: let it finish before measuring.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var heapEvicted = FullCollect();
        description["sessions"] = count;
        description["heapBeforeBytes"] = heapBefore;
        description["heapAfterBytes"] = heapAfter;
        description["bytesPerSession"] = (heapAfter - heapBefore) / (double)count;
        description["heapInUseBytes"] = heapInUse;
        description["bytesPerSessionInUse"] = (heapInUse - heapBefore) / (double)count;
        description["ticketCache"] = cache is not null && remove is not null;
        description["bytesPerSessionWithoutTicketCache"] = (heapEvicted - heapBefore) / (double)count;
        description["storeMicrosecondsPerSession"] = stopwatch.Elapsed.TotalMicroseconds / count;
        GC.KeepAlive(keys);
        return description;
    }

    /// <summary>The same ticket with its access, ID and refresh tokens replaced by random tokens of <paramref name="chars"/> characters.</summary>
    private static AuthenticationTicket WithTokenSizes(AuthenticationTicket ticket, int chars)
    {
        var properties = ticket.Properties.Clone();
        var tokens = properties.GetTokens()
            .Select(t => t.Name is "access_token" or "id_token" or "refresh_token"
                ? new AuthenticationToken { Name = t.Name, Value = RandomToken(chars) }
                : t)
            .ToList();
        properties.StoreTokens(tokens);
        return new AuthenticationTicket(ticket.Principal.Clone(), properties, ticket.AuthenticationScheme);
    }

    private static string RandomToken(int chars) =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(chars)).Replace('+', '-').Replace('/', '_')[..chars];

    /// <summary>
    /// What the process allocates over <c>seconds</c> (the load comes from elsewhere): the runtime's
    /// allocation samples, their bytes in all and by type.
    /// </summary>
    private static async Task<Dictionary<string, object>> SampleAllocationsAsync(HttpContext context)
    {
        var seconds = int.TryParse(context.Request.Query["seconds"], out var n) && n is > 0 and <= 60 ? n : 5;
        using var listener = new Micro.AllocationProbe.AllocationListener();
        await Task.Delay(TimeSpan.FromSeconds(seconds), context.RequestAborted);

        // Each sample carries the bytes allocated since the previous one (about 100 KB), so the sum is
        // the bytes allocated meanwhile, to within a sample per GC heap. Not GC.GetTotalAllocatedBytes:
        // under DATAS it sums only the heaps active when it is read, and goes back or jumps when one is
        // taken away or added (dotnet/runtime#131069).
        return new Dictionary<string, object>
        {
            ["seconds"] = seconds,
            ["sampledBytes"] = listener.Bytes.Values.Sum(),
            ["samples"] = listener.Events,
            ["types"] = listener.Bytes.OrderByDescending(kv => kv.Value).Take(40)
                .Select(kv => new Dictionary<string, object> { ["type"] = kv.Key, ["bytes"] = kv.Value })
                .ToArray(),
        };
    }

    /// <summary>
    /// The managed heap once everything unreachable is collected (full blocking compacting
    /// collections), what the GC holds and the process's RSS, the store's active sessions, and how
    /// many entries each in-memory structure of the library holds (read by name, so that the soak
    /// keeps working when one is renamed or removed: null then).
    /// </summary>
    private static Dictionary<string, object?> Heap(IServiceProvider services)
    {
        var heap = FullCollect();
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        using var process = Process.GetCurrentProcess();
        long? active;
        try
        {
            active = services.GetRequiredService<OpenBff.Sessions.ActiveSessionCounter>().Count();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            active = null;
        }

        var cookieFormat = services.GetRequiredService<IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(BffDefaults.CookieScheme).TicketDataFormat;
        var store = services.GetRequiredService<IUserSessionStore>();
        return new Dictionary<string, object?>
        {
            ["heapBytes"] = heap,
            ["gcHeapSizeBytes"] = gc.HeapSizeBytes,
            ["gcCommittedBytes"] = gc.TotalCommittedBytes,
            ["gcFragmentedBytes"] = gc.FragmentedBytes,
            ["workingSetBytes"] = process.WorkingSet64,
            ["allocatedBytes"] = GC.GetTotalAllocatedBytes(precise: false),
            ["gen2"] = GC.CollectionCount(2),
            ["threads"] = process.Threads.Count,
            ["activeSessions"] = active,
            ["caches"] = new Dictionary<string, int?>
            {
                ["cookieTickets"] = CountOf(cookieFormat, "_entries"),
                ["decryptedTickets"] = CountOf(Service(services, "OpenBff.SessionCache.TicketCache"), "_cache"),
                ["refreshBackoff"] = CountOf(Service(services, "OpenBff.Tokens.RefreshBackoff"), "_cache"),
                ["storeReadCache"] = CountOf(Field(Field(store, "_cache"), "_cache"), null),
                ["memoryStoreSessions"] = CountOf(store, "_sessions"),
                ["memoryReplayCache"] = CountOf(services.GetService<IReplayCache>(), "_used"),
            },
        };
    }

    private static object? Service(IServiceProvider services, string typeName) =>
        typeof(ServerSideTicketStore).Assembly.GetType(typeName) is { } type ? services.GetService(type) : null;

    private static object? Field(object? owner, string name) =>
        owner?.GetType().GetField(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)?.GetValue(owner);

    /// <summary>The <c>Count</c> of <paramref name="owner"/>'s field <paramref name="field"/> (of the owner itself when null).</summary>
    private static int? CountOf(object? owner, string? field)
    {
        var target = field is null ? owner : Field(owner, field);
        return target?.GetType().GetProperty("Count")?.GetValue(target) as int?;
    }

    private static long FullCollect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
