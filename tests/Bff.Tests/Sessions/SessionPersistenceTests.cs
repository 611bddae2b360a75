using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sessions;

[Collection(IntegrationCollection.Name)]
public sealed class SessionPersistenceTests(IdpFixture env)
{
    [Fact]
    public async Task Sqlite_store_keeps_the_session_across_a_restart()
    {
        var data = env.NewFolder();
        using var browser = new TestBrowser();
        (string, string) client;
        string url;
        await using (var first = await env.StartBffAsync(s => s["Bff:Session:Store"] = "Sqlite", dataPath: data))
        {
            await browser.LoginAsync(first.Url);
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{first.Url}/api/hello")).Status);
            client = (first.ClientId, first.ClientSecret);
            url = first.Url;
        }

        Assert.True(File.Exists(Path.Combine(data, "sessions.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data, "keys")));
        await using var second = await env.StartBffAsync(s => s["Bff:Session:Store"] = "Sqlite", dataPath: data, client: client);
        var cookie = browser.CookieValue(url, "__Host-bff")!;

        var user = await browser.GetAsync($"{second.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));
        var api = await browser.GetAsync($"{second.Url}/api/hello", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal("Alice Smith", new UserClaims(user.Body).Value("name"));
        Assert.Equal(HttpStatusCode.OK, api.Status);
    }

    [Fact]
    public async Task Sqlite_store_keeps_tokens_encrypted_at_rest()
    {
        var data = env.NewFolder();
        await using var bff = await env.StartBffAsync(s => s["Bff:Session:Store"] = "Sqlite", dataPath: data);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var database = await File.ReadAllBytesAsync(Path.Combine(data, "sessions.db"));
        var wal = Path.Combine(data, "sessions.db-wal");
        var all = System.Text.Encoding.Latin1.GetString(database) + (File.Exists(wal) ? System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(wal)) : string.Empty);
        var tokens = IssuedTokens.From(env.Idp, bff.ClientId);
        Assert.NotEmpty(tokens.All);
        Assert.All(tokens.All, token => Assert.DoesNotContain(token[..40], all, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Memory_store_after_a_restart_answers_401_not_500()
    {
        var data = env.NewFolder();
        using var browser = new TestBrowser();
        (string, string) client;
        string url;
        await using (var first = await env.StartBffAsync(dataPath: data))
        {
            await browser.LoginAsync(first.Url);
            client = (first.ClientId, first.ClientSecret);
            url = first.Url;
        }

        await using var second = await env.StartBffAsync(dataPath: data, client: client);
        var cookie = browser.CookieValue(url, "__Host-bff")!;

        var user = await browser.GetAsync($"{second.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));
        var api = await browser.GetAsync($"{second.Url}/api/hello", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));

        Assert.Equal(HttpStatusCode.Unauthorized, user.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, api.Status);
    }
}
