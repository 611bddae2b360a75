using System.Diagnostics;
using OpenBff.SessionCache;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench misses [SESSIONS] [ENTRIES]</c>: the cost of a proxied request whose session is in
/// none of the library's caches (issue 17, item 2). The host's pipeline (as
/// <see cref="HotPathBenchmarks.BffAuthenticationPipeline"/>, Memory store) over SESSIONS sessions
/// (default 2,000) in turn, once with every cache bounded at ENTRIES (default 100: every request
/// misses the cookie and the ticket caches, and each insertion evicts) and once with the default
/// bounds (every request hits), one thread: µs and bytes per request, the miss's allocations by
/// type (the runtime's allocation sampling), then each step of the miss on its own.
/// </summary>
internal static class MissPathProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sessions = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2_000;
        var entries = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
        Console.WriteLine($"// {sessions:N0} sessions (Memory store), round robin, one thread");
        await using (var hits = await Pipeline.CreateAsync(sessions, entries: null))
        {
            await hits.MeasureAsync("every cache hit (default bounds)", rounds: 20, sample: false);
        }

        await using var misses = await Pipeline.CreateAsync(sessions, entries);
        await misses.MeasureAsync($"every request misses (caches at {entries:N0} entries)", rounds: 5, sample: true);
        await misses.StepsAsync();
        return 0;
    }

    private sealed class Pipeline : IAsyncDisposable
    {
        private readonly BffFixture _bff;
        private readonly string[] _cookies;
        private readonly RequestDelegate _pipeline;
        private readonly Endpoint _endpoint;

        private Pipeline(BffFixture bff, string[] cookies)
        {
            _bff = bff;
            _cookies = cookies;
            var services = bff.Services;
            _endpoint = BffFixture.ApiRoute().Endpoint;
            _pipeline = ActivatorUtilities.CreateInstance<BffAuthenticationMiddleware>(services, BffFixture.BffAndAuthorization(services)).InvokeAsync;
        }

        public static async Task<Pipeline> CreateAsync(int sessions, int? entries)
        {
            var bff = await BffFixture.CreateAsync(
                "Memory",
                BffFixture.DevIdpTokens,
                configure: entries is { } n
                    ? builder => builder.Services.Replace(ServiceDescriptor.Singleton(new SessionCacheOptions { CookieEntries = n, TicketEntries = n, StoreReadEntries = n }))
                    : null);
            var cookies = new string[sessions];
            for (var i = 0; i < sessions; i++)
            {
                cookies[i] = await bff.SignInAnotherAsync(BffFixture.DevIdpTokens, $"bench-user-{i}");
            }

            return new Pipeline(bff, cookies);
        }

        public async Task MeasureAsync(string name, int rounds, bool sample)
        {
            await RoundsAsync(2); // warm-up: the JIT, and every session through the caches once
            using var listener = sample ? new AllocationProbe.AllocationListener() : null;
            var calls = rounds * _cookies.Length;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            await RoundsAsync(rounds);
            stopwatch.Stop();
            var perRequest = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)calls;
            var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / calls;
            Console.WriteLine($"\n{name}: {stopwatch.Elapsed.TotalMicroseconds / calls:N1} µs per request (process CPU {cpuUs:N1} µs), {perRequest:N0} B per request");
            listener?.Print(perRequest, top: 30);
        }

        /// <summary>Each step of the miss path on one session, on its own: µs and bytes per call.</summary>
        public async Task StepsAsync()
        {
            var services = _bff.Services;
            var provider = services.GetRequiredService<OpenBff.Core.BffDataProtection>().Provider;
            var rawCookieFormat = new TicketDataFormat(provider.CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", BffDefaults.CookieScheme, "v2"));
            var cookieValue = _bff.CookieValue;
            var cookieTicket = rawCookieFormat.Unprotect(cookieValue) ?? throw new InvalidOperationException("the raw cookie format does not read the cookie");
            var store = services.GetRequiredService<IUserSessionStore>();
            var session = await store.GetAsync(_bff.SessionKey, CancellationToken.None) ?? throw new InvalidOperationException("no session");
            var protector = provider.CreateProtector(ServerSideTicketStore.PurposeName, "v1");
            var serializer = services.GetRequiredService<InterningTicketSerializer>();
            var plain = protector.Unprotect(session.Ticket);
            var ticket = SessionTicketFormat.Deserialize(plain, serializer)!;
            var tickets = services.GetRequiredService<ServerSideTicketStore>();
            var cache = services.GetRequiredService<TicketCache>();
            Console.WriteLine($"\nsteps of the miss, one session (cookie {cookieValue.Length} chars, stored ticket {session.Ticket.Length} B, {plain.Length} B decrypted):");
            Step("cookie: data protection Unprotect + TicketSerializer (TicketDataFormat)", () => rawCookieFormat.Unprotect(cookieValue));
            Step("cookie: ReadOnlyTicket.Copy (kept in the cookie cache)", () => ReadOnlyTicket.Copy(cookieTicket));
            Step("store: InMemoryUserSessionStore.GetAsync", () => store.GetAsync(_bff.SessionKey, CancellationToken.None).Result);
            Step("ticket: data protection Unprotect", () => protector.Unprotect(session.Ticket));
            Step("ticket: SessionTicketFormat.Deserialize (Brotli + TicketSerializer + JWT segments)", () => SessionTicketFormat.Deserialize(plain, serializer));
            var length = 0;
            var position = 1;
            for (var shift = 0; ; shift += 7)
            {
                var b = plain[position++];
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            var uncompressed = new byte[length];
            System.IO.Compression.BrotliDecoder.TryDecompress(plain.AsSpan(position), uncompressed, out _);
            var restLength = new BinaryReader(new MemoryStream(uncompressed)).Read7BitEncodedInt();
            var rest = uncompressed.AsSpan(1 + (restLength >= 128 ? 1 : 0) + (restLength >= 16384 ? 1 : 0), restLength).ToArray();
            Console.WriteLine($"  (uncompressed {length} B, ticket part {rest.Length} B)");
            Step("  Brotli decompress only", () => System.IO.Compression.BrotliDecoder.TryDecompress(plain.AsSpan(position), new byte[length], out _));
            Step("  TicketSerializer part (interning)", () => serializer.Deserialize(rest));
            Step("  TicketSerializer part (default)", () => TicketSerializer.Default.Deserialize(rest));
            Step("ticket: ServerSideTicketStore.Unprotect (both above)", () => tickets.Unprotect(session));
            Step("ticket cache: TicketCache.Set (read-only copy + SharedSession + entry)", () => cache.Set(_bff.SessionKey, session.Ticket, ticket));
            Step("ServerSideTicketStore.RetrieveFromStoreAsync (store read + decrypt + cache Set)", () => tickets.RetrieveFromStoreAsync(_bff.SessionKey, CancellationToken.None).Result);
        }

        public ValueTask DisposeAsync() => _bff.DisposeAsync();

        private static void Step(string name, Func<object?> step)
        {
            const int Calls = 20_000;
            for (var i = 0; i < 2_000; i++)
            {
                step();
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                step();
            }

            stopwatch.Stop();
            var bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)Calls;
            Console.WriteLine($"  {name,-85} {stopwatch.Elapsed.TotalMicroseconds / Calls,8:N2} µs {bytes,9:N0} B");
        }

        private async Task RoundsAsync(int rounds)
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var cookie in _cookies)
                {
                    await using var scope = _bff.Services.CreateAsyncScope();
                    var context = BffFixture.NewRequest(scope.ServiceProvider, cookie);
                    context.SetEndpoint(_endpoint);
                    await _pipeline(context);
                    if (context.Items["Authorization"] is null)
                    {
                        throw new InvalidOperationException($"the pipeline attached no token (status {context.Response.StatusCode})");
                    }
                }
            }
        }
    }
}
