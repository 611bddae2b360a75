using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace OpenBff.Sessions;

/// <summary>
/// Sessions whose latest version (rotated tokens) the session store refused to take (disk full,
/// read-only, unreachable). The provider has already retired the refresh token the store still
/// holds, so the new version is kept here: this instance reads it instead of the store's copy,
/// refreshes with its refresh token (never the retired one), and writes it again under the
/// session's lock until the store takes it (<see cref="UnsavedSessionWriter"/>). Bounded: past
/// <see cref="MaxEntries"/> a refused write fails the request as before.
/// </summary>
internal sealed class UnsavedSessions
{
    /// <summary>At a few KB per session, about 100 MB at most.</summary>
    public const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many sessions wait to be written.</summary>
    public int Count => Volatile.Read(ref _count);

    public ICollection<string> Keys => _entries.Keys;

    public bool TryGet(string key, [MaybeNullWhen(false)] out Entry entry)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            entry = null;
            return false; // the common case: no dictionary lookup on the request path
        }

        return _entries.TryGetValue(key, out entry);
    }

    /// <summary>Keeps (or replaces) the session's unsaved version; false when full.</summary>
    public bool TryKeep(string key, Entry entry)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (_entries.TryUpdate(key, entry, existing))
                {
                    return true;
                }
            }
            else
            {
                if (Volatile.Read(ref _count) >= MaxEntries)
                {
                    return false;
                }

                if (_entries.TryAdd(key, entry))
                {
                    Interlocked.Increment(ref _count);
                    return true;
                }
            }
        }
    }

    /// <summary>Forgets the session's unsaved version (written, or the session ended).</summary>
    public void Remove(string key)
    {
        if (Volatile.Read(ref _count) > 0 && _entries.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Forgets <paramref name="entry"/> only if it is still the session's unsaved version.</summary>
    public void Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>
    /// A session's unsaved version, and the refresh token of the version the store holds (so a
    /// later write never overwrites a newer version another instance stored meanwhile).
    /// </summary>
    internal sealed record Entry(UserSession Session, string? StoredRefreshToken, DateTimeOffset Since);
}
