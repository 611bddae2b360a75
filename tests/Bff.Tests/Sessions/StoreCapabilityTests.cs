using System.Net;
using Bff.Sessions;
using Bff.Tests.Diagnostics;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Sessions;

/// <summary>
/// A host's own session store gets every feature it has the capability for, found by interface,
/// never by the store's type: the active-sessions gauge (<see cref="ICountsSessions"/>), and an
/// at-once readiness failure and login refusal (<see cref="IReportsAvailability"/>).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class StoreCapabilityTests(IdpFixture env)
{
    [Fact]
    public async Task A_custom_store_that_counts_feeds_the_gauge_and_one_that_reports_availability_is_not_ready_when_down()
    {
        var store = new CustomStore();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<IUserSessionStore>(store));
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(1 + CustomStore.Marker, meters.ActiveSessions()); // the store's own count, not a guess

        store.Available = false;
        using var health = new TestBrowser();
        var ready = await health.GetAsync($"{bff.Url}/health/ready");
        using var stranger = new TestBrowser();
        var login = await stranger.GetAsync($"{bff.Url}/bff/login");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("not available", ready.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.Status);
    }

    /// <summary>A host's store: the in-memory one behind its own type, with both capabilities.</summary>
    private sealed class CustomStore : IUserSessionStore, ICountsSessions, IReportsAvailability
    {
        public const long Marker = 1000;
        private readonly InMemoryUserSessionStore _inner = new();

        public bool Available { get; set; } = true;

        public bool IsAvailable => Available;

        public long CountActiveSessions(DateTimeOffset now) => _inner.CountActiveSessions(now) + Marker;

        public Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public Task SetAsync(UserSession session, CancellationToken cancellationToken) => _inner.SetAsync(session, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => _inner.DeleteAsync(key, cancellationToken);

        public Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken) => _inner.FindAsync(filter, cancellationToken);

        public Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken) => _inner.DeleteAsync(filter, cancellationToken);

        public Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => _inner.FindExpiredAsync(now, max, cancellationToken);
    }
}
