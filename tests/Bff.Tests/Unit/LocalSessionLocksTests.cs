using OpenBff.Sessions;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="LocalSessionLocks"/>: one holder per session key at a time, other sessions not held
/// up, a waiter that gives up leaves without the lock, and a release counts once however often it
/// is disposed, and a wait gives up after 30 s of the application's clock.
/// </summary>
public sealed class LocalSessionLocksTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Briefly = TimeSpan.FromMilliseconds(200);
    private readonly LocalSessionLocks _locks = new();

    [Fact]
    public async Task A_second_acquire_of_the_same_session_waits_until_the_first_is_released()
    {
        var first = await _locks.AcquireAsync("s1", CancellationToken.None);

        var second = _locks.AcquireAsync("s1", CancellationToken.None);
        await Task.Delay(Briefly);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await (await second.WaitAsync(Quickly)).DisposeAsync();
    }

    [Fact]
    public async Task Another_session_is_not_held_up()
    {
        await using var held = await _locks.AcquireAsync("s1", CancellationToken.None);

        var other = await _locks.AcquireAsync(KeyOnAnotherStripe("s1"), CancellationToken.None).WaitAsync(Quickly);

        await other.DisposeAsync();
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_without_the_lock_and_the_holder_keeps_it()
    {
        var holder = await _locks.AcquireAsync("s1", CancellationToken.None);
        using var giveUp = new CancellationTokenSource();
        var waiter = _locks.AcquireAsync("s1", giveUp.Token);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Quickly));

        var next = _locks.AcquireAsync("s1", CancellationToken.None);
        await Task.Delay(Briefly);
        Assert.False(next.IsCompleted); // still the holder's
        await holder.DisposeAsync();
        await (await next.WaitAsync(Quickly)).DisposeAsync();
    }

    [Fact]
    public async Task Releasing_twice_releases_once()
    {
        var first = await _locks.AcquireAsync("s1", CancellationToken.None);
        await first.DisposeAsync();
        await first.DisposeAsync();

        var second = await _locks.AcquireAsync("s1", CancellationToken.None);
        var third = _locks.AcquireAsync("s1", CancellationToken.None);
        await Task.Delay(Briefly);

        Assert.False(third.IsCompleted);
        await second.DisposeAsync();
        await (await third.WaitAsync(Quickly)).DisposeAsync();
    }

    /// <summary>
    /// A key that does not share <paramref name="key"/>'s semaphore (the locks are striped over 256
    /// by the process's string hash, which changes from run to run).
    /// </summary>
    private static string KeyOnAnotherStripe(string key)
    {
        static uint Stripe(string k) => (uint)StringComparer.Ordinal.GetHashCode(k) % 256;
        return Enumerable.Range(0, 1000).Select(i => $"other-{i}").First(k => Stripe(k) != Stripe(key));
    }

    [Fact]
    public async Task A_wait_gives_up_after_30_seconds_of_the_applications_clock_and_the_holder_keeps_the_lock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var locks = new LocalSessionLocks(time);
        var holder = await locks.AcquireAsync("s1", CancellationToken.None);

        var waiter = locks.AcquireAsync("s1", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(Briefly);
        Assert.False(waiter.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(waiter, await Task.WhenAny(waiter, Task.Delay(Quickly))); // gave up on the fake clock, not after real time
        await Assert.ThrowsAsync<TimeoutException>(() => waiter);
        var other = locks.AcquireAsync("s1", CancellationToken.None);
        await Task.Delay(Briefly);
        Assert.False(other.IsCompleted); // still held by the holder
        await holder.DisposeAsync();
        await (await other.WaitAsync(Quickly)).DisposeAsync();
    }
}
