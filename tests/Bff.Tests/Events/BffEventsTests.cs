using System.Collections.Concurrent;
using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Events;

/// <summary>
/// A host's <see cref="BffEvents"/> hears every session's life: created, token refreshed, refresh
/// refused, ended with its reason, with the subject and session ids and never a token; a handler
/// that throws is logged and changes nothing for the user.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class BffEventsTests(IdpFixture env)
{
    [Fact]
    public async Task Login_refresh_and_logout_raise_created_refreshed_and_ended_for_the_same_session()
    {
        var events = new RecordingEvents();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        bff.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}");

        var seen = events.Seen.ToList();
        Assert.Collection(
            seen,
            e => Assert.Equal(("alice", claims.Value("sid")), (((BffSessionCreated)e).SubjectId, ((BffSessionCreated)e).SessionId)),
            e =>
            {
                var refreshed = Assert.IsType<BffTokenRefreshed>(e);
                Assert.Equal(("alice", claims.Value("sid"), (string?)null), (refreshed.SubjectId, refreshed.SessionId, refreshed.Resource));
                Assert.True(refreshed.ExpiresAt > bff.Time.GetUtcNow());
            },
            e => Assert.Equal((BffSessionEndReason.Logout, "alice", claims.Value("sid")), (((BffSessionEnded)e).Reason, ((BffSessionEnded)e).SubjectId, ((BffSessionEnded)e).SessionId)));
    }

    [Fact]
    public async Task A_refused_refresh_raises_refused_with_the_providers_error_then_ended()
    {
        var events = new RecordingEvents();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await env.Idp.RevokeAsync(bff.ClientId, bff.ClientSecret, IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single());
        bff.Time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        var refused = Assert.Single(events.Seen.OfType<BffRefreshRefused>());
        Assert.Equal(("alice", "invalid_grant"), (refused.SubjectId, refused.Error));
        var ended = Assert.Single(events.Seen.OfType<BffSessionEnded>());
        Assert.Equal((BffSessionEndReason.RefreshRefused, refused.SessionId), (ended.Reason, ended.SessionId));
    }

    [Fact]
    public async Task A_new_login_in_the_same_browser_ends_the_previous_session_as_replaced()
    {
        var events = new RecordingEvents();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url, "alice", "alice");
        await browser.LoginAsync(bff.Url, "bob", "bob", prompt: "login"); // the IdP would otherwise sign alice in again

        var created = events.Seen.OfType<BffSessionCreated>().ToList();
        Assert.Equal(["alice", "bob"], created.Select(c => c.SubjectId));
        var ended = Assert.Single(events.Seen.OfType<BffSessionEnded>());
        Assert.Equal((BffSessionEndReason.Replaced, "alice", created[0].SessionId), (ended.Reason, ended.SubjectId, ended.SessionId));
    }

    [Fact]
    public async Task Back_channel_logout_ends_the_session_with_that_reason()
    {
        var events = new RecordingEvents();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;
        var tokens = new LogoutTokens(env.Idp);

        using var poster = new TestBrowser();
        var response = await poster.SendAsync(HttpMethod.Post, $"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["logout_token"] = tokens.Create(tokens.Claims(bff.ClientId, sid, "alice")),
        }));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var ended = Assert.Single(events.Seen.OfType<BffSessionEnded>());
        Assert.Equal((BffSessionEndReason.BackChannelLogout, "alice", sid), (ended.Reason, ended.SubjectId, ended.SessionId));
    }

    [Fact]
    public async Task A_handler_that_throws_is_logged_and_the_login_and_logout_still_complete()
    {
        var events = new RecordingEvents { Throw = true };
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);
        var user = await browser.ApiAsync($"{bff.Url}/bff/user");
        await browser.GetAsync($"{bff.Url}{new UserClaims(user.Body).LogoutUrl}");

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(2, bff.LogLines.Count(l => l.Contains("[1018]", StringComparison.Ordinal) && l.Contains("RecordingEvents", StringComparison.Ordinal)));
    }

    private sealed class RecordingEvents : BffEvents
    {
        public ConcurrentQueue<object> Seen { get; } = new();

        public bool Throw { get; init; }

        public override Task SessionCreatedAsync(BffSessionCreated context, CancellationToken cancellationToken) => Record(context);

        public override Task TokenRefreshedAsync(BffTokenRefreshed context, CancellationToken cancellationToken) => Record(context);

        public override Task RefreshRefusedAsync(BffRefreshRefused context, CancellationToken cancellationToken) => Record(context);

        public override Task SessionEndedAsync(BffSessionEnded context, CancellationToken cancellationToken) => Record(context);

        private Task Record(object context)
        {
            Seen.Enqueue(context);
            return Throw ? Task.FromException(new InvalidOperationException("the audit log is down")) : Task.CompletedTask;
        }
    }
}
