using System.Net;
using System.Text;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>
/// A small, seeded fuzz of every endpoint: random methods, bytes, encodings, huge headers and bodies,
/// raw malformed HTTP. No answer may be a 5xx from the BFF itself, malformed raw HTTP gets the one
/// refusal it calls for (never silence, never a success), and the BFF keeps serving.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class FuzzTests(IdpFixture env)
{
    private static readonly string[] Paths =
    [
        "/bff/login", "/bff/user", "/bff/logout", "/bff/backchannel", "/bff/silent-login", "/bff/silent-login-callback",
        "/signin-oidc", "/signout-callback-oidc", "/api/echo", "/none/api/echo", "/client/api/echo", "/", "/deep/link",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO", "CONNECTX"];

    [Fact]
    public async Task Random_requests_to_every_endpoint_never_get_a_5xx_and_the_bff_keeps_serving()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var random = new Random(20261124);
        var failures = new List<string>();

        for (var i = 0; i < 250; i++)
        {
            var path = Paths[random.Next(Paths.Length)];
            var method = new HttpMethod(Methods[random.Next(Methods.Length)]);
            var query = string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => $"{RandomToken(random)}={RandomEncodedBytes(random)}&"));
            var headers = new List<(string, string)>();
            if (random.Next(2) == 0)
            {
                headers.Add(("X-CSRF", random.Next(3) == 0 ? RandomToken(random) : "1"));
            }

            if (random.Next(4) == 0)
            {
                headers.Add(("Cookie", $"__Host-bff={RandomToken(random)}{RandomToken(random)}"));
            }

            if (random.Next(5) == 0)
            {
                headers.Add(("X-Fuzz", new string('x', random.Next(1, 20_000))));
            }

            HttpContent? content = null;
            if (method != HttpMethod.Get && method != HttpMethod.Head && random.Next(2) == 0)
            {
                var body = new byte[random.Next(0, 70_000)];
                random.NextBytes(body);
                content = new ByteArrayContent(body);
                content.Headers.TryAddWithoutValidation("Content-Type", random.Next(2) == 0 ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8");
            }

            var response = await browser.SendAsync(method, $"{bff.Url}{path}?{query}", content, headers.ToArray());
            if ((int)response.Status >= 500 && !IsUpstreamAnswer(response))
            {
                failures.Add($"{method} {path}?{query[..Math.Min(60, query.Length)]} -> {(int)response.Status}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Theory]
    [InlineData("GET /bff/user\xC3\x28 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400)]
    [InlineData("GET /bff/login?returnUrl=/\xFF\xFE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400)]
    [InlineData("GET /bff/user HTTP/1.1\r\nHost: x\r\nX-CSRF: \xC3\x28\r\nConnection: close\r\n\r\n", 400)]
    [InlineData("GET /bff/user HTTP/1.1\r\nHost: x\r\nCookie: __Host-bff=\x01\x02\x03\r\nConnection: close\r\n\r\n", 401)] // not a cookie that decrypts: no session
    [InlineData("POST /bff/backchannel HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nConnection: close\r\n\r\n%%%\xFF\xFE", 400)] // an undecodable form: no logout_token
    [InlineData("POST /bff/backchannel HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n0\r\n\r\n", 400)]
    [InlineData("GET /api/echo HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n", 400)]
    [InlineData("NOTAMETHOD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404)] // a method no endpoint has
    [InlineData("GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n", 505)] // Kestrel's answer to an unknown version
    [InlineData("GET /\r\n\r\n", 400)] // no version at all
    public async Task Malformed_raw_http_gets_the_refusal_it_calls_for_and_the_bff_keeps_serving(string raw, int expected)
    {
        await using var bff = await env.StartBffAsync();
        var uri = new Uri(bff.Url);

        var answer = await RawHttp.SendAsync(uri, Encoding.Latin1.GetBytes(raw));

        Assert.True(RawHttp.Status(answer) == expected, $"expected {expected}, got: {answer[..Math.Min(200, answer.Length)]}");
        using var browser = new TestBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status); // still serving
    }

    [Fact]
    public async Task Huge_headers_are_refused_with_431_and_the_bff_keeps_serving()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.SendAsync(HttpMethod.Get, $"{bff.Url}/bff/user", null, ("X-CSRF", "1"), ("Cookie", $"__Host-bff={new string('A', 70_000)}"));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    /// <summary>A 5xx the sample API itself chose (its status endpoint) is not the BFF's.</summary>
    private static bool IsUpstreamAnswer(BrowserResponse response) => response.Header("X-Sample") is not null;

    private static string RandomToken(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)));

    private static string RandomEncodedBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 24)];
        random.NextBytes(bytes);
        return string.Concat(bytes.Select(b => $"%{b:X2}"));
    }
}
