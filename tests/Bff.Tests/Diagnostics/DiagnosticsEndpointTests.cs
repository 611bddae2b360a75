using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Diagnostics;

[Collection(IntegrationCollection.Name)]
public sealed class DiagnosticsEndpointTests(IdpFixture env)
{
    private Task<TestBff> StartInDevelopmentAsync() =>
        TestBff.StartAsync(env.Idp, env.Api, env.NewFolder(), new CapturingLoggerProvider(), s => s["Bff:Telemetry:Console"] = "false", environment: "Development");

    [Fact]
    public async Task Diagnostics_is_404_outside_development_even_with_a_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var response = await browser.ApiAsync($"{bff.Url}/bff/diagnostics");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(string.Empty, response.Body);
    }

    [Fact]
    public async Task Diagnostics_in_development_shows_claims_and_token_metadata_but_no_token()
    {
        await using var bff = await StartInDevelopmentAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var loggedInAt = bff.Time.GetUtcNow();

        var response = await browser.ApiAsync($"{bff.Url}/bff/diagnostics");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("no-store", response.Header("Cache-Control"), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(response.Body);
        var root = json.RootElement;
        var tokens = root.GetProperty("tokens");
        var access = tokens.GetProperty("access_token");
        Assert.True(access.GetProperty("present").GetBoolean());
        Assert.Equal("jwt", access.GetProperty("format").GetString());
        Assert.Equal(loggedInAt.AddMinutes(5), access.GetProperty("expires_at").GetDateTimeOffset(), TimeSpan.FromSeconds(5));
        var scopes = access.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("api", scopes);
        Assert.Contains("offline_access", scopes);
        Assert.True(tokens.GetProperty("refresh_token").GetProperty("present").GetBoolean());
        Assert.True(tokens.GetProperty("id_token").GetProperty("present").GetBoolean());
        var session = root.GetProperty("session");
        Assert.Equal(loggedInAt, session.GetProperty("created").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Equal(loggedInAt.AddHours(8), session.GetProperty("expires").GetDateTimeOffset(), TimeSpan.FromSeconds(5));
        Assert.Contains(root.GetProperty("claims").EnumerateArray(), c => c.GetProperty("type").GetString() == "sub");

        // No token, and no part of one (header, payload or signature), anywhere in the answer.
        var issued = IssuedTokens.From(env.Idp, bff.ClientId);
        Assert.Equal(3, new[] { issued.AccessTokens, issued.RefreshTokens, issued.IdTokens }.Count(list => list.Count > 0));
        foreach (var part in issued.All.SelectMany(t => t.Split('.')).Where(p => p.Length >= 16))
        {
            Assert.DoesNotContain(part, response.Visible, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Diagnostics_in_development_needs_the_anti_forgery_header_and_a_session()
    {
        await using var bff = await StartInDevelopmentAsync();
        using var anonymous = new TestBrowser();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.ApiAsync($"{bff.Url}/bff/diagnostics")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync($"{bff.Url}/bff/diagnostics")).Status);
        Assert.Contains(bff.LogLines, l => l.Contains("[5004]", StringComparison.Ordinal) && l.Contains("/bff/diagnostics", StringComparison.Ordinal));
    }
}
