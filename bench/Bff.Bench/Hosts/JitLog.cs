using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Bff.Bench.Hosts;

/// <summary>
/// Diagnosis only: with the environment variable <c>BENCH_JIT_LOG</c> set to a directory, every
/// method the JIT compiles in this process is written to <c>DIR/jit-ROLE-PID.tsv</c>: milliseconds
/// since start, the optimization tier, the IL size and the method's name. Shows which code still
/// compiles while a measured interval runs (the runtime's own events, through an in-process
/// <see cref="EventListener"/>; not enabled in any default run).
/// </summary>
internal sealed class JitLog : RuntimeEventLog
{
    private const long JitKeyword = 0x10;
    private const int MethodLoadVerbose = 143;

    private readonly BlockingCollection<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private JitLog(string path)
        : base(JitKeyword)
    {
        var writer = new StreamWriter(path) { AutoFlush = false };
        var thread = new Thread(() =>
        {
            foreach (var line in _lines.GetConsumingEnumerable())
            {
                writer.WriteLine(line);
                if (_lines.Count == 0)
                {
                    writer.Flush();
                }
            }
        })
        { IsBackground = true, Name = "bench jit log" };
        thread.Start();
    }

    public static void StartIfAsked(string role)
    {
        if (PathIfAsked("BENCH_JIT_LOG", "jit", role) is { } path)
        {
            _ = new JitLog(path);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        string Field(string name) => names.IndexOf(name) is var i and >= 0 ? payload[i]?.ToString() ?? string.Empty : string.Empty;
        var flags = uint.TryParse(Field("MethodFlags"), out var f) ? f : 0;
        // MethodFlags bits 7-9: the runtime's OptimizationTier as its ETW events encode it.
        var tier = ((flags >> 7) & 0x7) switch
        {
            1 => "minopt",
            2 => "optimized",
            3 => "tier0",
            4 => "tier1",
            5 => "tier1-osr",
            6 => "tier0-instr",
            7 => "tier1-instr",
            var t => t.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _lines.Add($"{_clock.ElapsedMilliseconds}\t{tier}\t{Field("MethodSize")}\t{Field("MethodNamespace")}::{Field("MethodName")}");
    }
}
