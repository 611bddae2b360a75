using System.Net;
using System.Xml.Linq;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sessions;

[Collection(IntegrationCollection.Name)]
public sealed class SessionPersistenceTests(IdpFixture env)
{
    private static readonly Action<Dictionary<string, string?>> Sqlite = s => s["Bff:Session:Store"] = "Sqlite";

    /// <summary>Logs in on a BFF over <paramref name="data"/>, then stops it: the client it used and the session cookie the browser kept.</summary>
    private async Task<((string Id, string Secret) Client, string Cookie)> LogInThenStopAsync(
        TestBrowser browser, string data, Action<Dictionary<string, string?>>? configure, Func<TestBff, Task>? whileRunning = null)
    {
        await using var first = await env.StartBffAsync(configure, dataPath: data);
        await browser.LoginAsync(first.Url);
        if (whileRunning is not null)
        {
            await whileRunning(first);
        }

        return ((first.ClientId, first.ClientSecret), browser.CookieValue(first.Url, "__Host-bff")!);
    }

    /// <summary>The session cookie replayed to <paramref name="bff"/>: <c>/bff/user</c> and a proxied call.</summary>
    private static async Task<(BrowserResponse User, BrowserResponse Api)> ReplayAsync(TestBrowser browser, TestBff bff, string cookie) =>
        (await browser.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}")),
         await browser.GetAsync($"{bff.Url}/api/hello", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}")));

    [Fact]
    public async Task Sqlite_store_keeps_the_session_across_a_restart()
    {
        var data = env.NewFolder();
        using var browser = new TestBrowser();
        var (client, cookie) = await LogInThenStopAsync(browser, data, Sqlite, async first =>
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{first.Url}/api/hello")).Status));

        Assert.True(File.Exists(Path.Combine(data, "sessions.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data, "keys")));
        await using var second = await env.StartBffAsync(Sqlite, dataPath: data, client: client);

        var (user, api) = await ReplayAsync(browser, second, cookie);

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal("Alice Smith", new UserClaims(user.Body).Value("name"));
        Assert.Equal(HttpStatusCode.OK, api.Status);
    }

    [Fact]
    public async Task Sqlite_store_keeps_tokens_encrypted_at_rest()
    {
        var data = env.NewFolder();
        await using var bff = await env.StartBffAsync(Sqlite, dataPath: data);
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
        var (client, cookie) = await LogInThenStopAsync(browser, data, configure: null);

        await using var second = await env.StartBffAsync(dataPath: data, client: client);

        var (user, api) = await ReplayAsync(browser, second, cookie);

        Assert.Equal(HttpStatusCode.Unauthorized, user.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, api.Status);
    }

    [Fact]
    public async Task A_session_stored_in_the_earlier_plain_ticket_format_still_works()
    {
        var data = env.NewFolder();
        using var browser = new TestBrowser();
        var (client, cookie) = await LogInThenStopAsync(browser, data, Sqlite);

        // Rewrite the stored ticket as a BFF before the compact format wrote it: ASP.NET Core's plain ticket bytes.
        var protector = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(data, "keys")), b => b.SetApplicationName("Bff"))
            .CreateProtector("Bff.Sessions.ServerSideTicketStore", "v1");
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(data, "sessions.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var read = db.CreateCommand();
            read.CommandText = "SELECT key, ticket FROM sessions";
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var key = reader.GetString(0);
            var compact = protector.Unprotect((byte[])reader.GetValue(1));
            Assert.Equal(0xB2, compact[0]);
            var plain = TicketSerializer.Default.Serialize(SessionTicketFormat.Deserialize(compact)!);
            await using var write = db.CreateCommand();
            write.CommandText = "UPDATE sessions SET ticket = $ticket WHERE key = $key";
            write.Parameters.AddWithValue("$ticket", protector.Protect(plain));
            write.Parameters.AddWithValue("$key", key);
            Assert.Equal(1, await write.ExecuteNonQueryAsync());
        }

        await using var second = await env.StartBffAsync(Sqlite, dataPath: data, client: client);
        var (user, api) = await ReplayAsync(browser, second, cookie);

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal("Alice Smith", new UserClaims(user.Body).Value("name"));
        Assert.Equal(HttpStatusCode.OK, api.Status);
        Assert.StartsWith("Bearer ", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_data_protection_keys_use_AES_256_GCM()
    {
        var data = env.NewFolder();
        await using var bff = await env.StartBffAsync(Sqlite, dataPath: data);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var key = Assert.Single(Directory.GetFiles(Path.Combine(data, "keys"), "key-*.xml"));
        var algorithms = XDocument.Load(key).Descendants("encryption").Select(e => (string?)e.Attribute("algorithm"));
        Assert.Equal(["AES_256_GCM"], algorithms);
    }
}
