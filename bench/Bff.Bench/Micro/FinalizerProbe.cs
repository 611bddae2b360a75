using System.Diagnostics;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench finalizers</c>: runs each step of the session read 20,000 times and reports the
/// objects it left for the finalizer thread (<see cref="GCMemoryInfo.FinalizationPendingCount"/>
/// after a full collection), the bytes allocated, and the time per call. Finalizable garbage is
/// paid for on the finalizer thread, which the live profile shows busy behind the BFF.
/// </summary>
internal static class FinalizerProbe
{
    private const int Calls = 20_000;

    public static async Task<int> RunAsync()
    {
        await using var bff = await BffFixture.CreateAsync("Memory", BffFixture.DevIdpTokens);
        var services = bff.Services;
        var cookieFormat = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(BffDefaults.CookieScheme).TicketDataFormat;
        var protector = services.GetRequiredService<OpenBff.Core.BffDataProtection>().Provider.CreateProtector(ServerSideTicketStore.PurposeName, "v1");
        var store = services.GetRequiredService<IUserSessionStore>();
        var session = await store.GetAsync(bff.SessionKey, CancellationToken.None) ?? throw new InvalidOperationException("no session");
        var serialized = protector.Unprotect(session.Ticket);
        var tickets = services.GetRequiredService<ServerSideTicketStore>();

        Console.WriteLine($"{"step",-62} {"finalizable/call",16} {"bytes/call",11} {"µs/call",8}");
        Probe("sanity: one finalizable object", () => new Finalizable());
        Probe("cookie value Unprotect (TicketDataFormat)", () => cookieFormat.Unprotect(bff.CookieValue));
        Probe("ticket IDataProtector.Unprotect", () => protector.Unprotect(session.Ticket));
        Probe("ticket IDataProtector.Protect", () => protector.Protect(serialized));
        Probe("TicketSerializer.Deserialize", () => TicketSerializer.Default.Deserialize(serialized));
        Probe("ServerSideTicketStore.RetrieveAsync (Memory)", () => tickets.RetrieveAsync(bff.SessionKey, CancellationToken.None).GetAwaiter().GetResult());
        Probe("request: scope + cookie AuthenticateAsync", () =>
        {
            using var scope = services.CreateScope();
            var context = BffFixture.NewRequest(scope.ServiceProvider, bff.CookieHeader);
            return context.AuthenticateAsync(BffDefaults.CookieScheme).GetAwaiter().GetResult();
        });
        var hotPath = new HotPathBenchmarks();
        await hotPath.SetupAsync();
        Probe("request: UseAuthentication, anonymous", () => hotPath.AuthenticationAnonymous().GetAwaiter().GetResult());
        Probe("request: UseAuthentication + UseBff + UseAuthorization", () => hotPath.BffPipeline().GetAwaiter().GetResult());
        await hotPath.CleanupAsync();
        return 0;
    }

    private static void Probe(string name, Func<object?> step)
    {
        for (var i = 0; i < 200; i++)
        {
            step();
        }

        Settle();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            step();
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        var pending = GC.GetGCMemoryInfo(GCKind.Any).FinalizationPendingCount;
        Console.WriteLine($"{name,-62} {pending / (double)Calls,16:F2} {allocated / Calls,11:N0} {watch.Elapsed.TotalMicroseconds / Calls,8:F1}");
        Settle();
    }

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
    }

    private sealed class Finalizable
    {
        public static int Finalized;

        ~Finalizable() => Interlocked.Increment(ref Finalized);
    }
}
