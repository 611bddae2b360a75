using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Bff.Bench.Hosts;

/// <summary>
/// Diagnosis only: with the environment variable <c>BENCH_ALLOC_LOG</c> set to a directory, this
/// process's allocations are sampled by type (the runtime's allocation tick: an event about every
/// 100 KB allocated, naming the type of the object that crossed the mark) and the running totals
/// are written every 2 s to <c>DIR/alloc-ROLE-PID.tsv</c>: estimated bytes, samples, type, with the
/// process's total allocated bytes in the first line. Compares where two hosts' bytes per request
/// go under the same load (not enabled in any default run: the listener costs CPU).
/// </summary>
internal sealed class AllocLog : RuntimeEventLog
{
    private const long GcKeyword = 0x1;
    private const int AllocationTick = 10;

    private readonly ConcurrentDictionary<string, (long Bytes, long Samples)> _types = new(StringComparer.Ordinal);

    private AllocLog(string path)
        : base(GcKeyword)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(2000);
                var lines = _types.OrderByDescending(t => t.Value.Bytes)
                    .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value.Bytes}\t{t.Value.Samples}\t{t.Key}"));
                File.WriteAllLines(path + ".tmp", [string.Create(CultureInfo.InvariantCulture, $"{GC.GetTotalAllocatedBytes(precise: false)}\t0\t(total allocated)"), .. lines]);
                File.Move(path + ".tmp", path, overwrite: true);
            }
        })
        { IsBackground = true, Name = "bench alloc log" };
        thread.Start();
    }

    public static void StartIfAsked(string role)
    {
        if (PathIfAsked("BENCH_ALLOC_LOG", "alloc", role) is { } path)
        {
            _ = new AllocLog(path);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTick || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var amountAt = names.IndexOf("AllocationAmount64");
        var typeAt = names.IndexOf("TypeName");
        if (amountAt < 0 || typeAt < 0)
        {
            return;
        }

        var bytes = Convert.ToInt64(payload[amountAt], CultureInfo.InvariantCulture);
        var type = payload[typeAt]?.ToString() ?? "?";
        _types.AddOrUpdate(type, (bytes, 1), (_, t) => (t.Bytes + bytes, t.Samples + 1));
    }
}
