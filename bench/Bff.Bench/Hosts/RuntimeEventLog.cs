using System.Diagnostics.Tracing;

namespace Bff.Bench.Hosts;

/// <summary>
/// Diagnosis only: an in-process listener to the runtime's own events (<c>Microsoft-Windows-DotNETRuntime</c>)
/// of the given keywords, started by a bench process when an environment variable names a directory
/// to write to (<see cref="PathIfAsked"/>). <see cref="EventListener"/>'s constructor announces the
/// sources that exist before a derived class's constructor has run: they are enabled here, once it has.
/// </summary>
internal abstract class RuntimeEventLog : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";

    private readonly EventKeywords _keywords;
    private readonly bool _enabled;

    protected RuntimeEventLog(long keywords)
    {
        _keywords = (EventKeywords)keywords;
        _enabled = true;
        foreach (var source in EventSource.GetSources())
        {
            OnEventSourceCreated(source);
        }
    }

    /// <summary><c>DIR/PREFIX-ROLE-PID.tsv</c> when the environment variable <paramref name="variable"/> names DIR (created), else null.</summary>
    protected static string? PathIfAsked(string variable, string prefix, string role)
    {
        var directory = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }

        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"{prefix}-{role}-{Environment.ProcessId}.tsv");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (_enabled && eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, _keywords);
        }
    }
}
