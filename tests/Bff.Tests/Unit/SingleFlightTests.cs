using OpenBff.Tokens;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="SingleFlight{TResult}"/>: one run per key at a time, shared by every caller that
/// arrives while it runs; nothing is remembered once it ends. It takes no cancellation token: a
/// caller stops waiting on its own copy of the task (as <c>ClientTokenCache</c> does with
/// <c>WaitAsync</c>), never the run the others wait for.
/// </summary>
public sealed class SingleFlightTests
{
    private readonly SingleFlight<string> _flight = new();
    private readonly TaskCompletionSource<string> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runs;

    private Task<string> Held()
    {
        Interlocked.Increment(ref _runs);
        return _gate.Task;
    }

    [Fact]
    public async Task Concurrent_callers_of_one_key_share_a_single_run_and_its_result()
    {
        var callers = new Task<string>[16];
        Parallel.For(0, callers.Length, i => callers[i] = _flight.RunAsync("k", Held));

        _gate.SetResult("token");
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, _runs);
        Assert.All(results, r => Assert.Equal("token", r));
    }

    [Fact]
    public async Task Different_keys_run_independently()
    {
        var held = _flight.RunAsync("a", Held);

        var other = await _flight.RunAsync("b", () => Task.FromResult("b-result")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("b-result", other);
        Assert.False(held.IsCompleted);
        _gate.SetResult("a-result");
        Assert.Equal("a-result", await held);
    }

    [Fact]
    public async Task A_failure_reaches_every_caller_that_shared_the_run()
    {
        var callers = Enumerable.Range(0, 4).Select(_ => _flight.RunAsync("k", Held)).ToList();

        _gate.SetException(new InvalidOperationException("provider down"));

        foreach (var caller in callers)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => caller);
            Assert.Equal("provider down", error.Message);
        }

        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task The_next_call_after_a_run_ended_runs_again_nothing_is_remembered()
    {
        var runs = 0;
        Task<string> Count() => Task.FromResult($"run {Interlocked.Increment(ref runs)}");

        Assert.Equal("run 1", await _flight.RunAsync("k", Count));
        Assert.Equal("run 2", await _flight.RunAsync("k", Count));
    }

    [Fact]
    public async Task The_next_call_after_a_failure_runs_again_and_can_succeed()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _flight.RunAsync("k", () => Task.FromException<string>(new InvalidOperationException())));

        Assert.Equal("ok", await _flight.RunAsync("k", () => Task.FromResult("ok")));
    }

    [Fact]
    public async Task An_operation_that_throws_before_returning_a_task_faults_the_shared_task_and_frees_the_key()
    {
        var failed = _flight.RunAsync("k", () => throw new InvalidOperationException("sync"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        Assert.Equal("ok", await _flight.RunAsync("k", () => Task.FromResult("ok")));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_does_not_cancel_the_run_the_others_wait_for()
    {
        using var impatient = new CancellationTokenSource();
        var first = _flight.RunAsync("k", Held).WaitAsync(impatient.Token);
        var second = _flight.RunAsync("k", Held);

        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        _gate.SetResult("token");

        Assert.Equal("token", await second);
        Assert.Equal(1, _runs);
    }
}
