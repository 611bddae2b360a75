namespace OpenBff.RealTime;

/// <summary>
/// The open connections of one session on this instance, and when the session expires as last
/// seen. Guarded by its own lock; once emptied it is <see cref="Retired"/> and left for a new one.
/// </summary>
internal sealed class SessionConnections
{
    private readonly List<RealTimeConnection> _open = [];

    public Lock Sync { get; } = new();

    /// <summary>Emptied and removed from the registry: an opening that found it takes a new one.</summary>
    public bool Retired { get; set; }

    /// <summary>When the session expires (idle or absolute, whichever first), as last read; null: never.</summary>
    public DateTimeOffset? Expires { get; set; }

    public int Count => _open.Count;

    public void Add(RealTimeConnection connection) => _open.Add(connection);

    public void Remove(RealTimeConnection connection) => _open.Remove(connection);

    public RealTimeConnection[] ToArray() => [.. _open];
}
