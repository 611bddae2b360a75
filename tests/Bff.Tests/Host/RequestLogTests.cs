using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

/// <summary><c>Bff:Telemetry:RequestLog</c>: one line per request, the path without its query; off by default.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RequestLogTests(IdpFixture env)
{
    private const string Category = "Bff.Host.RequestLog";

    /// <summary>
    /// Sends the requests one after another on one connection, then a last one: Kestrel reads a
    /// connection's next request only once the previous one's pipeline has returned, so when the
    /// last answer is in, every earlier request's entry has been written (or never will be).
    /// </summary>
    private static async Task SendOnOneConnectionAsync(string baseUrl, params string[] paths)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 1 });
        foreach (var path in paths.Append("/health/live"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
            request.Headers.Add("X-CSRF", "1");
            using var response = await client.SendAsync(request);
        }
    }

    private static List<string> RequestLines(TestBff bff) =>
        bff.LogLines.Where(l => l.StartsWith($"Information {Category}[1] ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', 3)[2].Split(" Method=", 2)[0]) // the message, less the structured values
            .ToList();

    [Fact]
    public async Task Each_request_is_one_line_with_its_path_without_the_query_and_the_health_probes_are_left_out()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Telemetry:RequestLog"] = "true");

        await SendOnOneConnectionAsync(
            bff.Url,
            "/bff/login?returnUrl=%2Fprivate-return-path",
            "/api/hello?secret=query-value",
            "/health/ready",
            "/bff/x%0D%0Ay"); // no line break in the log

        // The test BFF's clock is a fake one that does not move: every request took 0 ms.
        Assert.Equal(["GET /bff/login 302 0.0 ms", "GET /api/hello 401 0.0 ms", "GET /bff/x%0D%0Ay 404 0.0 ms"], RequestLines(bff));
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("private-return-path", StringComparison.Ordinal) || l.Contains("query-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_setting_no_request_is_logged()
    {
        await using var bff = await env.StartBffAsync();

        await SendOnOneConnectionAsync(bff.Url, "/bff/login", "/api/hello");

        Assert.Empty(RequestLines(bff));
        Assert.NotEmpty(bff.LogLines); // the BFF logs, only not its requests
    }
}
