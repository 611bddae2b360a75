using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A minimal browser over real HTTP: a cookie jar shared by every origin on the machine (like a
/// browser's for one host name), manual redirects, and a record of every answer it saw.
/// Secure cookies are sent over http://127.0.0.1, as browsers do for loopback.
/// </summary>
public sealed partial class TestBrowser : IDisposable
{
    private readonly HttpClient _client;
    private readonly List<BrowserResponse> _seen = [];

    public TestBrowser()
    {
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public CookieContainer Cookies { get; } = new();

    public IReadOnlyList<BrowserResponse> Seen
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToList();
            }
        }
    }

    public Task<BrowserResponse> GetAsync(string url, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Get, url, null, headers);

    /// <summary>An API call as the SPA makes it: with <c>X-CSRF: 1</c>.</summary>
    public Task<BrowserResponse> ApiAsync(string url, HttpMethod? method = null, HttpContent? content = null) =>
        SendAsync(method ?? HttpMethod.Get, url, content, ("X-CSRF", "1"));

    public async Task<BrowserResponse> SendAsync(HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var uri = new Uri(url);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        var cookieHeader = Cookies.GetCookieHeader(uri);
        if (cookieHeader.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                // Loopback counts as a secure context for browsers; CookieContainer does not know that.
                Cookies.SetCookies(uri, SecureAttribute().Replace(setCookie, string.Empty));
            }
        }

        var body = await response.Content.ReadAsStringAsync();
        var result = new BrowserResponse(uri, response.StatusCode, response.Headers, response.Content.Headers, body);
        lock (_seen)
        {
            _seen.Add(result);
        }

        TokenLeakGuard.CheckBrowserResponse(result);

        return result;
    }

    /// <summary>Follows redirects from <paramref name="response"/> until an answer that is not one, or <paramref name="stopAt"/> says stop.</summary>
    public async Task<BrowserResponse> FollowAsync(BrowserResponse response, Func<BrowserResponse, bool>? stopAt = null)
    {
        for (var hops = 0; response.IsRedirect && hops < 20; hops++)
        {
            if (stopAt?.Invoke(response) == true)
            {
                return response;
            }

            response = await GetAsync(response.Location!.ToString());
        }

        return response;
    }

    /// <summary>
    /// Logs in through the dev IdP's real login page (skipped by the IdP when the browser is still
    /// signed in there) and returns the BFF's final redirect (the answer of <c>/signin-oidc</c>).
    /// </summary>
    public async Task<BrowserResponse> LoginAsync(string bffUrl, string username = "alice", string password = "alice", string returnUrl = "/", string? prompt = null)
    {
        var bff = new Uri(bffUrl);
        bool IsCallback(BrowserResponse r) => r.RequestUri.Port == bff.Port && r.RequestUri.AbsolutePath.EndsWith("/signin-oidc", StringComparison.Ordinal);
        var start = await GetAsync($"{bffUrl}/bff/login?returnUrl={Uri.EscapeDataString(returnUrl)}{(prompt is null ? string.Empty : "&prompt=" + prompt)}");
        var loginPage = await FollowAsync(start, IsCallback);
        if (IsCallback(loginPage))
        {
            return loginPage; // still signed in at the IdP: no login page
        }

        if (!loginPage.Body.Contains("login-form", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Expected the IdP login page, got {(int)loginPage.Status} from {loginPage.RequestUri}: {loginPage.Body}");
        }

        var afterLogin = await SubmitLoginAsync(loginPage, username, password);
        var callback = await FollowAsync(afterLogin, IsCallback);
        if (!IsCallback(callback))
        {
            throw new InvalidOperationException($"Login did not come back to the BFF callback: {(int)callback.Status} {callback.RequestUri}: {callback.Body}");
        }

        return callback;
    }

    /// <summary>
    /// Logs in at the IdP's login page up to its redirect back to the BFF's callback, and returns
    /// that redirect's target (code, state, iss) without following it.
    /// </summary>
    public async Task<Uri> CallbackUrlAsync(string bffUrl, string username = "alice", string password = "alice")
    {
        var bffPort = new Uri(bffUrl).Port;
        bool ToCallback(BrowserResponse r) => r.Location is { } l && l.Port == bffPort && l.AbsolutePath == "/signin-oidc";
        var page = await FollowAsync(await GetAsync($"{bffUrl}/bff/login"));
        var response = await SubmitLoginAsync(page, username, password);
        while (!ToCallback(response))
        {
            Assert.True(response.IsRedirect, $"unexpected {(int)response.Status} at {response.RequestUri}");
            response = await GetAsync(response.Location!.ToString());
        }

        return response.Location!;
    }

    /// <summary>
    /// Fills in the provider's login form (<c>id="login-form"</c>, fields <c>username</c> and
    /// <c>password</c>) and posts it with its hidden fields to its action, as a browser would.
    /// </summary>
    public async Task<BrowserResponse> SubmitLoginAsync(BrowserResponse loginPage, string username, string password)
    {
        var form = HtmlForm.Parse(loginPage, "login-form");
        form.Fields["username"] = username;
        form.Fields["password"] = password;
        return await SubmitAsync(form);
    }

    /// <summary>Posts <paramref name="form"/> (its fields form-urlencoded) to its action.</summary>
    public Task<BrowserResponse> SubmitAsync(HtmlForm form) =>
        SendAsync(HttpMethod.Post, form.Action.ToString(), new FormUrlEncodedContent(form.Fields));

    public string? CookieValue(string url, string name) => Cookies.GetCookies(new Uri(url))[name]?.Value;

    public void Dispose() => _client.Dispose();

    [GeneratedRegex(@";\s*secure(?=;|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecureAttribute();
}
