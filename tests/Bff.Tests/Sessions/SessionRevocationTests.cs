using System.Collections.Concurrent;
using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Sessions;

/// <summary>
/// A host ends a user's sessions itself (<see cref="ISessionRevocationService"/>, Duende.BFF's
/// name): each is deleted, its refresh token revoked at the provider, and the event says why.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SessionRevocationTests(IdpFixture env)
{
    [Fact]
    public async Task Revoking_a_users_sessions_ends_each_revokes_its_refresh_token_and_leaves_other_users_alone()
    {
        var events = new EndedSessions();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<BffEvents>(events));
        using var alice1 = new TestBrowser();
        using var alice2 = new TestBrowser();
        using var bob = new TestBrowser();
        await alice1.LoginAsync(bff.Url, "alice", "alice");
        await alice2.LoginAsync(bff.Url, "alice", "alice");
        await bob.LoginAsync(bff.Url, "bob", "bob");
        var aliceRefreshTokens = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Take(2).ToList();

        var ended = await bff.Services.GetRequiredService<ISessionRevocationService>().RevokeSessionsAsync(new UserSessionFilter { SubjectId = "alice" });

        Assert.Equal(2, ended);
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice1.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice2.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await bob.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.All(aliceRefreshTokens, token => Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == token && r.Status == 200));
        Assert.Equal([("alice", BffSessionEndReason.Revoked), ("alice", BffSessionEndReason.Revoked)], events.Ended.Select(e => (e.SubjectId, e.Reason)));
        await Assert.ThrowsAsync<ArgumentException>(() => bff.Services.GetRequiredService<ISessionRevocationService>().RevokeSessionsAsync(new UserSessionFilter()));
    }

    private sealed class EndedSessions : BffEvents
    {
        public ConcurrentQueue<BffSessionEnded> Ended { get; } = new();

        public override Task SessionEndedAsync(BffSessionEnded context, CancellationToken cancellationToken)
        {
            Ended.Enqueue(context);
            return Task.CompletedTask;
        }
    }
}
