using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Proxy;

/// <summary>
/// Streamed answers (issue 18, item 5): server-sent events and other streamed responses pass
/// through the BFF as the API writes them, not buffered until the API finishes. The upstream
/// writes one event, flushes, and finishes only when the test lets it: the first event must reach
/// the client while the upstream is still waiting.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class StreamingProxyTests(IdpFixture env)
{
    private static readonly TimeSpan FirstEventDeadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("application/x-ndjson")]
    public async Task The_first_event_of_a_streamed_answer_arrives_before_the_api_finishes(string contentType)
    {
        await using var upstream = await StreamingUpstream.StartAsync();
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["ReverseProxy:Clusters:stream:Destinations:d1:Address"] = upstream.Url;
            settings["ReverseProxy:Routes:stream:ClusterId"] = "stream";
            settings["ReverseProxy:Routes:stream:Match:Path"] = "/streamed/{**rest}";
            settings["ReverseProxy:Routes:stream:Metadata:Bff.TokenType"] = "None";
            settings["ReverseProxy:Routes:stream:Transforms:0:PathRemovePrefix"] = "/streamed";
        });
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{bff.Url}/streamed/stream?type={Uri.EscapeDataString(contentType)}");
        request.Headers.Add("X-CSRF", "1");
        request.Headers.Add("Accept", contentType);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(FirstEventDeadline);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(FirstEventDeadline);
        var first = await reader.ReadLineAsync(deadline.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StreamingUpstream.FirstEvent, first);
        Assert.False(upstream.Finished, "the upstream had finished: the first event proves nothing");
        upstream.Release();
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(StreamingUpstream.LastEvent, rest, StringComparison.Ordinal);
    }
}
