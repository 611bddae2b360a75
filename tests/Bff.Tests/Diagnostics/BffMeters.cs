using System.Diagnostics.Metrics;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenBff.Sessions;

namespace Bff.Tests.Diagnostics;

/// <summary>
/// Collectors for every instrument of one test BFF's <c>Bff</c> meter, bound to that BFF's
/// <see cref="IMeterFactory"/>: measurements of the other BFFs in the test process are not seen.
/// </summary>
internal sealed class BffMeters : IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time;
    private readonly ActiveSessionCounter _counter;

    public BffMeters(IServiceProvider services)
    {
        _time = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
        _counter = services.GetRequiredService<ActiveSessionCounter>();
        var factory = services.GetRequiredService<IMeterFactory>();
        Logins = new(factory, BffMetrics.MeterName, BffMetrics.Logins);
        Logouts = new(factory, BffMetrics.MeterName, BffMetrics.Logouts);
        TokenRefreshes = new(factory, BffMetrics.MeterName, BffMetrics.TokenRefreshes);
        ClientTokenFetches = new(factory, BffMetrics.MeterName, BffMetrics.ClientTokenFetches);
        ProxyRequests = new(factory, BffMetrics.MeterName, BffMetrics.ProxyRequests);
        Sessions = new(factory, BffMetrics.MeterName, BffMetrics.ActiveSessions);
    }

    public BffMeters(TestBff bff)
        : this(bff.Services)
    {
    }

    public MetricCollector<long> Logins { get; }

    public MetricCollector<long> Logouts { get; }

    public MetricCollector<long> TokenRefreshes { get; }

    public MetricCollector<long> ClientTokenFetches { get; }

    public MetricCollector<long> ProxyRequests { get; }

    public MetricCollector<long> Sessions { get; }

    /// <summary>The sum of a counter's measurements that carry the tag <paramref name="name"/> = <paramref name="value"/>.</summary>
    public static long Sum(MetricCollector<long> counter, string name, object value) =>
        counter.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(name, out var tag) && Equals(tag, value)).Sum(m => m.Value);

    /// <summary>
    /// The gauge <c>bff.sessions.active</c> once it has counted the store as it is now: the BFF's
    /// clock is moved on by the counter's refresh interval, so a collection starts a recount, and
    /// the collection after it reports that count.
    /// </summary>
    public async Task<long> ActiveSessionsAsync()
    {
        _time.Advance(ActiveSessionCounter.RefreshInterval);
        Sessions.RecordObservableInstruments();
        await _counter.Recounting.WaitAsync(WaitLimit);
        Sessions.Clear();
        Sessions.RecordObservableInstruments();
        return Assert.IsType<CollectedMeasurement<long>>(Sessions.LastMeasurement).Value;
    }

    /// <summary>The proxied requests counted so far (each is recorded when its answer completes).</summary>
    public async Task<IReadOnlyList<(string Route, int Status)>> ProxiedAsync(int expected)
    {
        await ProxyRequests.WaitForMeasurementsAsync(expected, WaitLimit);
        return ProxyRequests.GetMeasurementSnapshot()
            .Select(m => ((string)m.Tags[BffMetrics.RouteTag]!, (int)m.Tags[BffMetrics.StatusTag]!))
            .ToList();
    }

    public void Dispose()
    {
        Logins.Dispose();
        Logouts.Dispose();
        TokenRefreshes.Dispose();
        ClientTokenFetches.Dispose();
        ProxyRequests.Dispose();
        Sessions.Dispose();
    }
}
