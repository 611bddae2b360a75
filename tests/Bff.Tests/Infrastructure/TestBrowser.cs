using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A minimal browser over real HTTP: a cookie jar keyed by host name, as a browser's (so every port
/// of 127.0.0.1 shares it, and <c>localhost</c> has its own), manual redirects, and a record of every
/// answer it saw. Secure cookies are sent over http://127.0.0.1 and http://localhost, as browsers
/// do for loopback. <c>SameSite</c> is honoured for navigations as Chromium does: a request whose
/// initiator or an earlier hop of its redirect chain is another site (scheme and host; ports do not
/// count) carries no <c>Strict</c> cookie, and <c>Lax</c> ones (also cookies without the attribute)
/// only on a GET. Requests the test makes directly (<see cref="GetAsync"/>, <see cref="ApiAsync"/>)
/// are same-site, as typed in the address bar or fetched by the page's own script.
/// </summary>
public sealed partial class TestBrowser : IDisposable
{
    private readonly HttpClient _client;
    private readonly List<BrowserResponse> _seen = [];
    private readonly Dictionary<(string Domain, string Path, string Name), string> _sameSite = [];

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

    /// <summary>A same-site request (from the address bar or the page's own script).</summary>
    public Task<BrowserResponse> SendAsync(HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers) =>
        SendAsync(method, new Uri(url), content, crossSite: false, headers);

    private async Task<BrowserResponse> SendAsync(HttpMethod method, Uri uri, HttpContent? content, bool crossSite, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        var cookieHeader = CookieHeader(uri, method, crossSite);
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
                RememberSameSite(uri, setCookie);
            }
        }

        var body = await response.Content.ReadAsStringAsync();
        var result = new BrowserResponse(uri, response.StatusCode, response.Headers, response.Content.Headers, body)
        {
            SentCookies = cookieHeader,
            CrossSite = crossSite,
        };
        lock (_seen)
        {
            _seen.Add(result);
        }

        TokenLeakGuard.CheckBrowserResponse(result);

        return result;
    }

    /// <summary>
    /// Opens a WebSocket to <paramref name="url"/> (http:// or https://) as a page of the BFF's own
    /// site does (any port of the host: the <c>SameSite</c> session cookie goes with it), sending
    /// exactly the <paramref name="headers"/> given besides the cookie (no <c>Origin</c> unless given).
    /// </summary>
    public Task<BrowserSocket> WebSocketAsync(string url, bool http2 = false, params (string Name, string Value)[] headers) =>
        BrowserSocket.ConnectAsync(url, CookieHeader(new Uri(url), HttpMethod.Get, crossSite: false), http2, headers);

    /// <summary>
    /// Opens a WebSocket to the sample API's echo through the BFF at <paramref name="bffUrl"/>
    /// (its <c>/api/ws/echo</c> user route) from the BFF's own origin, fails unless it opens, and
    /// reads the API's first message (whose token it got).
    /// </summary>
    public async Task<BrowserSocket> EchoSocketAsync(string bffUrl)
    {
        var socket = await WebSocketAsync($"{bffUrl}/api/ws/echo", headers: ("Origin", bffUrl));
        Assert.True(socket.IsOpen, $"refused: {(int)socket.Status}");
        await socket.ReceiveTextAsync();
        return socket;
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

            var next = response.Location!;
            response = await SendAsync(HttpMethod.Get, next, null, response.CrossSite || !SameSite(response.RequestUri, next));
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
        SendAsync(HttpMethod.Post, form.Action, new FormUrlEncodedContent(form.Fields), !SameSite(form.Page, form.Action));

    public string? CookieValue(string url, string name) => Cookies.GetCookies(new Uri(url))[name]?.Value;

    public void Dispose() => _client.Dispose();

    /// <summary>Same site: the same scheme and host (the tests' hosts, loopback addresses and <c>localhost</c>, have no registrable domain).</summary>
    private static bool SameSite(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>The cookies of <paramref name="uri"/> that this request carries under their <c>SameSite</c> attribute.</summary>
    private string CookieHeader(Uri uri, HttpMethod method, bool crossSite)
    {
        if (!crossSite)
        {
            return Cookies.GetCookieHeader(uri);
        }

        lock (_sameSite)
        {
            return string.Join("; ", Cookies.GetCookies(uri)
                .Where(c => (_sameSite.GetValueOrDefault((c.Domain, c.Path, c.Name)) ?? "lax") switch
                {
                    "none" => true,
                    "strict" => false,
                    _ => method == HttpMethod.Get, // Lax, and Lax by default: a top-level GET navigation only
                })
                .Select(c => $"{c.Name}={c.Value}"));
        }
    }

    private void RememberSameSite(Uri uri, string setCookie)
    {
        var name = setCookie[..Math.Max(0, setCookie.IndexOf('=', StringComparison.Ordinal))].Trim();
        if (Cookies.GetCookies(uri)[name] is not { } cookie)
        {
            return; // a deletion
        }

        var sameSite = SameSiteAttribute().Match(setCookie);
        lock (_sameSite)
        {
            _sameSite[(cookie.Domain, cookie.Path, cookie.Name)] = sameSite.Success ? sameSite.Groups[1].Value.ToLowerInvariant() : "lax";
        }
    }

    [GeneratedRegex(@";\s*secure(?=;|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecureAttribute();

    [GeneratedRegex(@";\s*samesite\s*=\s*(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex SameSiteAttribute();
}
