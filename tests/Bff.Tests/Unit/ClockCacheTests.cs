using OpenBff.SessionCache;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="ClockCache{TValue}"/>, the bounded cache under the session caches: always admits a
/// new entry, evicts an entry not used recently when full (never all at once, never refusing, not
/// defeated by keys used in turn), and
/// ends entries at their own end or after an idle period.
/// </summary>
public sealed class ClockCacheTests
{
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_full_cache_admits_the_new_entry_and_evicts_one_unused_entry()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: null, Sweep);
        for (var i = 0; i < 4; i++)
        {
            cache.Set($"k{i}", $"v{i}");
        }

        cache.Set("k4", "v4");

        Assert.Equal(4, cache.Count);
        Assert.True(cache.TryGet("k4", out var added));
        Assert.Equal("v4", added);
        Assert.Equal(3, Enumerable.Range(0, 4).Count(i => cache.TryGet($"k{i}", out _))); // one of the four, none read, made room
        Assert.Equal(1, cache.Evictions);
    }

    [Fact]
    public void A_full_cache_evicts_the_entry_not_read_and_keeps_the_ones_read()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: null, Sweep);
        for (var i = 0; i < 4; i++)
        {
            cache.Set($"k{i}", $"v{i}");
        }

        foreach (var read in new[] { "k0", "k1", "k3" })
        {
            Assert.True(cache.TryGet(read, out _));
        }

        cache.Set("k4", "v4");

        Assert.False(cache.TryGet("k2", out _));
        Assert.True(cache.TryGet("k0", out _));
        Assert.True(cache.TryGet("k1", out _));
        Assert.True(cache.TryGet("k3", out _));
    }

    [Fact]
    public void Entries_read_in_turn_over_more_keys_than_it_holds_keep_the_cache_full()
    {
        var cache = new ClockCache<string>(100, _time, idleLifetime: null, Sweep);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                var key = $"k{i}";
                if (!cache.TryGet(key, out _))
                {
                    cache.Set(key, key);
                }
            }
        }

        Assert.Equal(100, cache.Count); // MemoryCache refused entries over its limit and compacted to far below it
        Assert.True(cache.TryGet("k999", out _)); // the last one used is held
    }

    [Fact]
    public void Keys_used_in_turn_a_few_more_than_it_holds_still_mostly_hit()
    {
        // With the hand moving in order (CLOCK, as LRU), every one of these lookups missed: each
        // eviction took the key needed next. 100,001 sessions over 100,000 entries did exactly that.
        var cache = new ClockCache<string>(1_000, _time, idleLifetime: null, Sweep, new Random(17));
        var hits = 0;
        const int rounds = 20, keys = 1_010;
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < keys; i++)
            {
                var key = $"k{i}";
                if (cache.TryGet(key, out _))
                {
                    hits++;
                }
                else
                {
                    cache.Set(key, key);
                }
            }
        }

        Assert.InRange(hits / (double)(rounds * keys), 0.85, 1.0); // random replacement's ~0.98 less the first round's misses
    }

    [Fact]
    public void An_entry_ends_at_its_own_end()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: null, Sweep);
        cache.Set("k", "v", _time.GetUtcNow() + TimeSpan.FromMinutes(5));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet("k", out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void An_entry_not_read_for_its_idle_lifetime_ends_and_reading_it_extends_it()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: TimeSpan.FromMinutes(5), Sweep);
        cache.Set("read", "v");
        cache.Set("idle", "v");

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryGet("read", out _));
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.True(cache.TryGet("read", out _));
        Assert.False(cache.TryGet("idle", out _));
    }

    [Fact]
    public void Ended_entries_are_swept_out_without_being_looked_up()
    {
        var cache = new ClockCache<string>(100, _time, idleLifetime: TimeSpan.FromMinutes(5), Sweep);
        for (var i = 0; i < 50; i++)
        {
            cache.Set($"k{i}", "v");
        }

        _time.Advance(TimeSpan.FromMinutes(6));
        cache.Set("new", "v"); // any insertion (or miss) after the sweep interval sweeps

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_ended_entry_makes_room_before_a_live_one_in_use()
    {
        var cache = new ClockCache<string>(2, _time, idleLifetime: null, TimeSpan.FromDays(1));
        cache.Set("live", "v");
        cache.Set("ending", "v", _time.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet("ending", out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet("live", out _));

        cache.Set("new", "v");

        Assert.True(cache.TryGet("live", out _));
        Assert.Equal(0, cache.Evictions); // the ended entry made room: no live one was evicted
    }

    [Fact]
    public void Removed_entries_free_their_room_for_new_ones()
    {
        var cache = new ClockCache<string>(3, _time, idleLifetime: null, Sweep);
        cache.Set("a", "v");
        cache.Set("b", "v");
        cache.Set("c", "v");

        cache.Remove("b");
        cache.Set("d", "v");

        Assert.True(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("d", out _));
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void Setting_a_key_again_replaces_its_value_in_place()
    {
        var cache = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        cache.Set("a", "old");
        cache.Set("b", "v");

        cache.Set("a", "new");

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal("new", value);
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void A_key_is_found_by_its_characters_as_the_cached_string()
    {
        var cache = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        var key = new string('k', 3);
        cache.Set(key, "v");

        Assert.True(cache.TryGet("kkk".AsSpan(), out var found, out var value));
        Assert.Same(key, found);
        Assert.Equal("v", value);
        Assert.False(cache.TryGet("kk".AsSpan(), out _, out _));
    }

    [Fact]
    public void Clear_forgets_everything_and_the_cache_fills_again()
    {
        var cache = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        cache.Set("a", "v");
        cache.Set("b", "v");

        cache.Clear();
        cache.Set("c", "v");
        cache.Set("d", "v");

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void An_entry_found_before_answers_again_while_it_is_the_keys_live_entry()
    {
        var cache = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        cache.Set("a", "v");

        Assert.True(cache.TryGetEntry("a", out var entry));

        Assert.True(cache.TryUse(entry));
        Assert.Equal("v", entry.Value);
        Assert.False(cache.TryGetEntry("missing", out _));
    }

    [Fact]
    public void An_entry_found_before_never_answers_once_removed_replaced_or_cleared()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: null, Sweep);
        cache.Set("removed", "v");
        cache.Set("replaced", "old");
        cache.Set("cleared", "v");
        Assert.True(cache.TryGetEntry("removed", out var removed));
        Assert.True(cache.TryGetEntry("replaced", out var replaced));
        Assert.True(cache.TryGetEntry("cleared", out var cleared));

        cache.Remove("removed");
        cache.Set("replaced", "new");

        Assert.False(cache.TryUse(removed));
        Assert.False(cache.TryUse(replaced));
        Assert.True(cache.TryUse(cleared));
        cache.Clear();
        Assert.False(cache.TryUse(cleared));
    }

    [Fact]
    public void An_entry_found_before_never_answers_once_evicted_to_make_room()
    {
        var cache = new ClockCache<string>(1, _time, idleLifetime: null, Sweep);
        cache.Set("a", "v");
        Assert.True(cache.TryGetEntry("a", out var entry));

        cache.Set("b", "v"); // one slot: a makes room

        Assert.Equal(1, cache.Evictions);
        Assert.False(cache.TryUse(entry));
    }

    [Fact]
    public void An_entry_found_before_ends_with_its_idle_lifetime_and_reading_through_it_extends_it()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: TimeSpan.FromMinutes(5), Sweep);
        cache.Set("read", "v");
        cache.Set("idle", "v");
        Assert.True(cache.TryGetEntry("read", out var read));
        Assert.True(cache.TryGetEntry("idle", out var idle));

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryUse(read));
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.True(cache.TryUse(read));
        Assert.True(cache.TryGet("read", out _)); // a read through the entry counts for the key too
        Assert.False(cache.TryUse(idle));
    }

    [Fact]
    public void An_entry_of_another_cache_never_answers()
    {
        var one = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        var other = new ClockCache<string>(2, _time, idleLifetime: null, Sweep);
        one.Set("a", "one's");
        other.Set("a", "other's");
        Assert.True(one.TryGetEntry("a", out var entry));

        Assert.False(other.TryUse(entry));
        Assert.True(one.TryUse(entry));
    }

    [Fact]
    public void An_entry_swept_out_never_answers()
    {
        var cache = new ClockCache<string>(4, _time, idleLifetime: null, Sweep);
        cache.Set("ending", "v", _time.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGetEntry("ending", out var entry));

        _time.Advance(Sweep);
        cache.Set("other", "v"); // sweeps

        Assert.Equal(1, cache.Count);
        Assert.True(entry.Gone);
        Assert.False(cache.TryUse(entry));
    }

    [Fact]
    public async Task Concurrent_readers_and_writers_never_hold_more_than_the_bound()
    {
        var cache = new ClockCache<string>(64, _time, idleLifetime: null, Sweep);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var key = $"k{(i * 7 + t) % 500}";
                if (!cache.TryGet(key, out _))
                {
                    cache.Set(key, key);
                }

                if (i % 97 == 0)
                {
                    cache.Remove(key);
                }
            }
        })));

        Assert.InRange(cache.Count, 1, 64);
        Assert.Equal(cache.Count, cache.Snapshot().Count);
    }
}
