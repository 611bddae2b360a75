using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using OpenBff.Diagnostics;
using OpenBff.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench gauge SESSIONS DIRECTORY</c>: how long a metrics collection of the
/// <c>bff.sessions.active</c> gauge takes with the SQLite store holding SESSIONS sessions (issue 17,
/// item 4). The database <c>DIRECTORY/sessions.db</c> is filled through the store API
/// (<see cref="IUserSessionStore.SetAsync"/>, 4 writers, a 1,577-byte ticket each, expiring in 30
/// days so that a later run counts the same) up to SESSIONS, then kept for the next run. Then: the
/// store's count query on its own (3 times), and collections as an exporter makes them
/// (<see cref="MeterListener.RecordObservableInstruments"/>, the gauge's callback on this thread):
/// 9 a quarter of a second apart, a pause past the counter's refresh interval (31 s), 9 more.
/// </summary>
internal static class GaugeProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("Bff.Bench gauge SESSIONS DIRECTORY");
            return 2;
        }

        var sessions = int.Parse(args[0], CultureInfo.InvariantCulture);
        var time = TimeProvider.System;
        using var store = new SqliteUserSessionStore(Path.Combine(args[1], "sessions.db"), time);
        var services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton(time)
            .AddSingleton<IUserSessionStore>(store)
            .BuildServiceProvider();
        await using (services)
        {
            var counter = new ActiveSessionCounter(services, time, NullLogger<ActiveSessionCounter>.Instance);
            await FillAsync(store, counter, sessions, time);

            for (var i = 0; i < 3; i++)
            {
                var query = Stopwatch.StartNew();
                var active = counter.Count();
                Console.WriteLine($"count query: {query.Elapsed.TotalMilliseconds:N1} ms ({active:N0} active)");
            }

            _ = new BffInstruments(services.GetRequiredService<IMeterFactory>(), counter);
            long? observed = null;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == BffMetrics.MeterName && instrument.Name == BffMetrics.ActiveSessions)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
            listener.Start();

            var start = Stopwatch.StartNew();
            await CollectAsync(listener, start, () => observed, () => observed = null);
            await Task.Delay(TimeSpan.FromSeconds(31) - start.Elapsed);
            await CollectAsync(listener, start, () => observed, () => observed = null);
        }

        return 0;
    }

    private static async Task CollectAsync(MeterListener listener, Stopwatch start, Func<long?> observed, Action reset)
    {
        for (var i = 0; i < 9; i++)
        {
            reset();
            var at = start.Elapsed;
            var collection = Stopwatch.StartNew();
            listener.RecordObservableInstruments();
            var took = collection.Elapsed;
            Console.WriteLine($"collection at {at.TotalSeconds,5:N2} s: {took.TotalMicroseconds,12:N0} µs, {(observed() is { } value ? value.ToString("N0", CultureInfo.InvariantCulture) : "no measurement")}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static async Task FillAsync(SqliteUserSessionStore store, ActiveSessionCounter counter, int sessions, TimeProvider time)
    {
        var stored = (int)(counter.Count() ?? 0);
        if (stored >= sessions)
        {
            Console.WriteLine($"// {stored:N0} sessions stored already");
            return;
        }

        var ticket = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1577);
        var now = time.GetUtcNow();
        var fill = Stopwatch.StartNew();
        await Parallel.ForAsync(stored, sessions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            await store.SetAsync(
                new UserSession
                {
                    Key = $"gauge-{i:D10}".PadRight(43, 'x'),
                    SubjectId = $"gauge-user-{i / 2}",
                    SessionId = $"gauge-sid-{i}",
                    Created = now,
                    Renewed = now,
                    Expires = now + TimeSpan.FromDays(30),
                    Ticket = ticket,
                },
                ct));
        Console.WriteLine($"// filled {sessions - stored:N0} sessions in {fill.Elapsed.TotalSeconds:N0} s");
    }
}
