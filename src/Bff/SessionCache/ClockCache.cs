using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace OpenBff.SessionCache;

/// <summary>
/// The bounded cache under every session cache: string keys, at most <c>capacity</c> entries, and
/// a new entry is always admitted. When full, an entry not used recently makes room, chosen by
/// the CLOCK algorithm (an approximation of LRU): a hit only marks its entry as used, lock-free; an
/// insertion moves a hand over the entries' slots, giving each marked entry a second chance (the
/// mark is cleared) and evicting the first unmarked one. Inserting and removing take one lock, held
/// for a few operations (a full sweep of expired entries aside, at most once per <c>sweepInterval</c>).
/// <para>
/// The hand starts each eviction at a random slot. With the hand moving in order, CLOCK (like LRU)
/// never hits when the keys are used in turn and there are more of them than it holds, even by
/// one: it always evicts the entry needed next, and every request of 100,001 sessions over 100,000
/// entries missed. From a random slot it evicts like random replacement in that case (95 % hits
/// for one key more than it holds, 19 % for twice as many) and like CLOCK otherwise (with Zipf-
/// distributed use, 61 % hits against CLOCK's 62.5 % in a simulation of 20,000 keys over 1,000).
/// </para>
/// <para>
/// Why not <c>MemoryCache</c> with a size limit: it refuses an entry while it is over its limit and
/// compacts in the background, so with more sessions in use than its bound it keeps refusing and
/// compacting, and with uniform traffic almost nothing stays (issue 17, item 2).
/// </para>
/// <para>
/// A caller that reads one key often may keep the entry it found (<see cref="TryGetEntry"/>) and
/// later read through it (<see cref="TryUse"/>) instead of looking the key up again: the entry
/// answers only while it is the key's live entry (every way an entry leaves the cache, replaced by
/// <see cref="Set"/> included, marks it gone), and a read through it counts as a hit.
/// </para>
/// Each entry may end at a fixed time (<c>expires</c>) and/or after an idle period
/// (<c>idleLifetime</c>, reset by each hit, with one-second resolution); an ended entry is never
/// returned, makes room whether or not it was read, and is swept out at most <c>sweepInterval</c> after it
/// ended (checked on every insertion and every miss), so a cache does not keep what was used once
/// long ago until enough new entries came.
/// </summary>
internal sealed class ClockCache<TValue>
    where TValue : class
{
    private const long NoEnd = long.MaxValue;

    private readonly ConcurrentDictionary<string, Node> _map = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Node?[] _slots;
    private readonly Stack<int> _free = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly long _idleTicks;
    private readonly long _sweepTicks;
    private int _used;
    private long _nextSweep;
    private long _evictions;

    /// <param name="capacity">At most this many entries.</param>
    /// <param name="time">The clock of every expiry.</param>
    /// <param name="idleLifetime">An entry not read for this long ends; null: only its own end applies.</param>
    /// <param name="sweepInterval">How often ended entries are swept out.</param>
    /// <param name="random">Where each eviction starts (a test passes a seeded one); <see cref="Random.Shared"/> by default.</param>
    public ClockCache(int capacity, TimeProvider time, TimeSpan? idleLifetime, TimeSpan sweepInterval, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new Node?[capacity];
        _time = time;
        _random = random ?? Random.Shared;
        _idleTicks = idleLifetime is { } idle ? idle.Ticks : NoEnd;
        _sweepTicks = sweepInterval.Ticks;
        _nextSweep = time.GetUtcNow().UtcTicks + _sweepTicks;
        _bySpan = _map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Entries held now (ended ones included until they are swept or looked up).</summary>
    public int Count => _map.Count;

    /// <summary>The bound.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Live entries evicted to make room since the cache was made.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    public bool TryGet(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (TryGetEntry(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>As <see cref="TryGet(string, out TValue)"/>, answering the entry itself, for <see cref="TryUse"/> later.</summary>
    public bool TryGetEntry(string key, [MaybeNullWhen(false)] out Entry entry)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_map.TryGetValue(key, out var node) && Use(node, now))
        {
            entry = node;
            return true;
        }

        Miss(node, now);
        entry = null;
        return false;
    }

    /// <summary>
    /// Reads through an entry found before (<see cref="TryGetEntry"/>) without looking its key up:
    /// true, marking it used, while it is still its key's live entry; false once it has left the
    /// cache (removed, replaced, evicted, cleared) or ended, and for an entry of another cache.
    /// </summary>
    public bool TryUse(Entry entry) =>
        !entry.Gone && entry is Node node && ReferenceEquals(node.Owner, this) && Use(node, _time.GetUtcNow().UtcTicks);

    /// <summary>Looks a key up by its characters; <paramref name="key"/> is the cached string equal to them.</summary>
    public bool TryGet(ReadOnlySpan<char> chars, [MaybeNullWhen(false)] out string key, [MaybeNullWhen(false)] out TValue value)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_bySpan.TryGetValue(chars, out key, out var node) && Use(node, now))
        {
            value = node.Value;
            return true;
        }

        Miss(node, now);
        key = null;
        value = null;
        return false;
    }

    /// <summary>Adds or replaces an entry, evicting the least recently used one when full.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">What it maps to.</param>
    /// <param name="expires">When the entry ends at the latest (null: only the idle lifetime applies).</param>
    public void Set(string key, TValue value, DateTimeOffset? expires = null)
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            SweepIfDueLocked(now);
            int slot;
            if (_map.TryGetValue(key, out var old))
            {
                slot = old.Slot;
                old.Gone = true; // replaced below
            }
            else
            {
                slot = TakeSlotLocked(now);
            }

            var node = new Node(this, key, value, slot, expires?.UtcTicks ?? NoEnd, now);
            _slots[slot] = node;
            _map[key] = node;
        }
    }

    public void Remove(string key)
    {
        if (!_map.ContainsKey(key))
        {
            return;
        }

        lock (_lock)
        {
            if (_map.TryRemove(key, out var node))
            {
                FreeLocked(node);
            }
        }
    }

    /// <summary>The live entries now.</summary>
    public Dictionary<string, TValue> Snapshot()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var entries = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, node) in _map)
        {
            if (!node.HasEnded(now, _idleTicks))
            {
                entries[key] = node.Value;
            }
        }

        return entries;
    }

    public void Clear()
    {
        lock (_lock)
        {
            foreach (var node in _slots)
            {
                node?.Gone = true;
            }

            _map.Clear();
            Array.Clear(_slots);
            _free.Clear();
            _used = 0;
        }
    }

    /// <summary>Marks a live entry as used; false when it has ended.</summary>
    private bool Use(Node node, long now)
    {
        if (node.HasEnded(now, _idleTicks))
        {
            return false;
        }

        if (!node.Referenced)
        {
            node.Referenced = true;
        }

        if (_idleTicks != NoEnd && now - Volatile.Read(ref node.LastUsed) >= TimeSpan.TicksPerSecond)
        {
            Volatile.Write(ref node.LastUsed, now); // at most once a second: hits stay reads
        }

        return true;
    }

    /// <summary>A miss: removes the ended entry found, if any, and sweeps when due.</summary>
    private void Miss(Node? ended, long now)
    {
        if (ended is null && now < Interlocked.Read(ref _nextSweep))
        {
            return;
        }

        lock (_lock)
        {
            if (ended is not null && _map.TryRemove(new KeyValuePair<string, Node>(ended.Key, ended)))
            {
                FreeLocked(ended);
            }

            SweepIfDueLocked(now);
        }
    }

    private int TakeSlotLocked(long now)
    {
        if (_free.TryPop(out var free))
        {
            return free;
        }

        if (_used < _slots.Length)
        {
            return _used++;
        }

        // Full: every slot holds an entry. From a random slot (see the remarks), at most two turns
        // of the hand: the first clears every mark.
        var hand = _random.Next(_slots.Length);
        while (true)
        {
            var slot = hand;
            hand = slot + 1 == _slots.Length ? 0 : slot + 1;
            var node = _slots[slot]!;
            var ended = node.HasEnded(now, _idleTicks);
            if (node.Referenced && !ended)
            {
                node.Referenced = false;
                continue;
            }

            _map.TryRemove(new KeyValuePair<string, Node>(node.Key, node));
            node.Gone = true;
            if (!ended)
            {
                Interlocked.Increment(ref _evictions);
            }

            return slot;
        }
    }

    private void FreeLocked(Node node)
    {
        node.Gone = true;
        _slots[node.Slot] = null;
        _free.Push(node.Slot);
    }

    private void SweepIfDueLocked(long now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        Interlocked.Exchange(ref _nextSweep, now + _sweepTicks);
        for (var slot = 0; slot < _used; slot++)
        {
            if (_slots[slot] is { } node && node.HasEnded(now, _idleTicks)
                && _map.TryRemove(new KeyValuePair<string, Node>(node.Key, node)))
            {
                FreeLocked(node);
            }
        }
    }

    /// <summary>An entry of the cache as <see cref="TryGetEntry"/> answers it: its value, readable again through <see cref="TryUse"/>.</summary>
    internal abstract class Entry(TValue value)
    {
        public readonly TValue Value = value;

        /// <summary>Set once the entry has left the cache: it never answers again.</summary>
        public volatile bool Gone;
    }

    private sealed class Node(ClockCache<TValue> owner, string key, TValue value, int slot, long ends, long now) : Entry(value)
    {
        public readonly ClockCache<TValue> Owner = owner;
        public readonly string Key = key;
        public readonly int Slot = slot;
        public readonly long Ends = ends;
        public long LastUsed = now;
        public volatile bool Referenced;

        public bool HasEnded(long now, long idleTicks) =>
            now >= Ends || (idleTicks != long.MaxValue && now - Volatile.Read(ref LastUsed) >= idleTicks);
    }
}
