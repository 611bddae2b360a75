using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// The steps every profile runs, as an SPA and its user would: log in through the provider's own
/// login page, read <c>/bff/user</c>, call the API (which validates the token and its audience),
/// have the token refreshed, call a second API, log out. Each step asserts what the provider and
/// the API saw, not only what the browser got.
/// </summary>
public sealed class InteropWalk(InteropProvider provider, TestBff bff, TestBrowser browser)
{
    public InteropProvider Provider => provider;

    public TestBff Bff => bff;

    public TestBrowser Browser => browser;

    /// <summary>Logs in as <paramref name="user"/> and checks the BFF's callback sent the browser back to <c>/</c>.</summary>
    public async Task LoginAsync(string user = "alice")
    {
        var callback = await browser.LoginAsync(bff.Url, user, user);
        Assert.True(callback.IsRedirect, $"the callback answered {(int)callback.Status}: {callback.Body}\nBFF log:\n{string.Join('\n', bff.LogLines.TakeLast(15))}");
        Assert.Equal("/", callback.Headers.Location?.OriginalString);
    }

    /// <summary>The claims of <c>/bff/user</c> (type → first value).</summary>
    public async Task<Dictionary<string, string>> UserAsync()
    {
        var response = await browser.ApiAsync($"{bff.Url}/bff/user");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in json.RootElement.EnumerateArray())
        {
            claims.TryAdd(claim.GetProperty("type").GetString()!, claim.GetProperty("value").ToString());
        }

        return claims;
    }

    /// <summary>Calls the API through the BFF and returns what the API says it validated.</summary>
    public async Task<ApiAnswer> CallAsync(string path)
    {
        var response = await browser.ApiAsync($"{bff.Url}{path}");
        Assert.True(response.Status == HttpStatusCode.OK, $"{path} answered {(int)response.Status}: {response.Body}\nBFF log:\n{string.Join('\n', bff.LogLines.TakeLast(10))}");
        return JsonSerializer.Deserialize<ApiAnswer>(response.Body, InteropRequest.Json)!;
    }

    /// <summary>Moves the BFF's clock past the access tokens' lifetime (600 s at the provider), so the next call refreshes.</summary>
    public void ExpireTokens() => bff.Time.Advance(TimeSpan.FromSeconds(601));

    /// <summary>The provider's token-endpoint requests of this BFF's client with <paramref name="grantType"/>.</summary>
    public async Task<List<InteropRequest>> GrantsAsync(string grantType) =>
        (await provider.RequestsAsync(bff.ClientId)).Where(r => r.Endpoint == "token" && r.GrantType == grantType).ToList();

    /// <summary>The bearer tokens the API received, in order (their last 16 characters).</summary>
    public async Task<List<string>> TokensAtApiAsync(string api) =>
        (await provider.RequestsAsync(bff.ClientId)).Where(r => r.Endpoint == "api" && r.Route == api)
            .Select(r => r.Authorization?[^16..] ?? string.Empty).ToList();

    /// <summary>
    /// <c>/bff/logout</c> with the session's logout URL, through the provider's end-session page
    /// (its confirmation form submitted, as a user would) back to <c>/</c>; returns the BFF's first answer.
    /// </summary>
    public async Task<BrowserResponse> LogoutAsync()
    {
        var logoutUrl = (await UserAsync())["bff:logout_url"];
        var start = await browser.GetAsync($"{bff.Url}{logoutUrl}");
        Assert.True(start.IsRedirect, $"/bff/logout answered {(int)start.Status}: {start.Body}");
        if (start.Location!.Port != provider.Port)
        {
            return start; // no end-session endpoint: a local logout
        }

        var confirm = await browser.FollowAsync(start);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        var form = HtmlForm.Parse(confirm, "op.logoutForm");
        form.Fields["logout"] = "yes";
        var back = await browser.FollowAsync(await browser.SubmitAsync(form), r => r.RequestUri.Port == new Uri(bff.Url).Port && r.Headers.Location?.OriginalString == "/");
        Assert.True(back.Headers.Location?.OriginalString == "/", $"the logout ended at {(int)back.Status} {back.RequestUri} (Location {back.Location}): {back.Body}");
        Assert.Equal(new Uri(bff.Url).Port, back.RequestUri.Port);
        return start;
    }

    public async Task<HttpStatusCode> UserStatusAsync() => (await browser.ApiAsync($"{bff.Url}/bff/user")).Status;
}

/// <summary>What the interop API answers about the token it validated.</summary>
public sealed record ApiAnswer
{
    public string Api { get; init; } = string.Empty;

    public string? Path { get; init; }

    public string? Sub { get; init; }

    public JsonElement Aud { get; init; }

    public string? Scope { get; init; }

    public string? ClientId { get; init; }

    public string? TokenFormat { get; init; }

    public bool HasAudience(string resource) =>
        Aud.ValueKind == JsonValueKind.Array ? Aud.EnumerateArray().Any(a => a.GetString() == resource) : Aud.ValueKind == JsonValueKind.String && Aud.GetString() == resource;
}
