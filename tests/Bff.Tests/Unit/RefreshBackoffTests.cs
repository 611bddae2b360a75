using OpenBff.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="RefreshBackoff"/>: after a refresh the provider could not answer, that refresh is not
/// tried again for <see cref="RefreshBackoff.Delay"/>; a success ends the wait; other refreshes are
/// not affected.
/// </summary>
public sealed class RefreshBackoffTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RefreshBackoff _backoff;

    public RefreshBackoffTests() => _backoff = new RefreshBackoff(_time);

    public void Dispose() => _backoff.Dispose();

    [Fact]
    public void A_refresh_never_failed_is_not_backing_off()
    {
        Assert.False(_backoff.IsBackingOff("s1|api"));
    }

    [Fact]
    public void A_failed_refresh_backs_off_for_the_delay_and_not_longer()
    {
        _backoff.Failed("s1|api");

        _time.Advance(RefreshBackoff.Delay - TimeSpan.FromMilliseconds(1));
        Assert.True(_backoff.IsBackingOff("s1|api"));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_backoff.IsBackingOff("s1|api"));
    }

    [Fact]
    public void Asking_during_the_delay_does_not_extend_it()
    {
        _backoff.Failed("s1|api");

        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            Assert.True(_backoff.IsBackingOff("s1|api"));
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_backoff.IsBackingOff("s1|api"));
    }

    [Fact]
    public void A_success_ends_the_back_off_at_once()
    {
        _backoff.Failed("s1|api");

        _backoff.Succeeded("s1|api");

        Assert.False(_backoff.IsBackingOff("s1|api"));
    }

    [Fact]
    public void Other_refreshes_are_not_affected()
    {
        _backoff.Failed("s1|api");

        Assert.False(_backoff.IsBackingOff("s2|api"));
        Assert.False(_backoff.IsBackingOff("s1|other"));
    }

    [Fact]
    public void It_remembers_no_more_than_ten_thousand_failures()
    {
        for (var i = 0; i < 10_500; i++)
        {
            _backoff.Failed($"s{i}");
        }

        Assert.InRange(Enumerable.Range(0, 10_500).Count(i => _backoff.IsBackingOff($"s{i}")), 1, 10_000);
    }
}
