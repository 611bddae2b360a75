using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Bff.Bench.Micro;

/// <summary>
/// A host's whole request path without sockets: the server Kestrel would be is replaced by one that
/// keeps the <see cref="IHttpApplication{TContext}"/> the host hands it (ASP.NET Core's hosting
/// application: the request scope, the activity and log scope, the host's every middleware, routing,
/// the endpoint), and YARP's HTTP client by one that answers the proxied request at once with the
/// upstream's 1 KB JSON document. What is left out is the same for bare YARP and the BFF: Kestrel's
/// HTTP/1.1 parsing and writing, and the sockets on both sides.
/// </summary>
internal sealed class InProcessHost
{
    /// <summary>The upstream's answer, as bench/Bff.Bench/Hosts/UpstreamApp writes it.</summary>
    private static readonly byte[] Payload = System.Text.Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', 1024 - 11) + "\"}");

    private readonly CapturingServer _server;
    private readonly CannedUpstream _upstream;

    private InProcessHost(CapturingServer server, CannedUpstream upstream)
    {
        _server = server;
        _upstream = upstream;
    }

    /// <summary>While true, the upstream keeps what the next requests carried (off while measuring).</summary>
    public bool Inspect
    {
        get => _upstream.Inspect;
        set => _upstream.Inspect = value;
    }

    /// <summary>The last inspected request's <c>Authorization</c> header, or null.</summary>
    public string? LastAuthorization => _upstream.LastAuthorization;

    /// <summary>Whether the last inspected request carried a <c>Cookie</c> header.</summary>
    public bool LastHadCookie => _upstream.LastHadCookie;

    /// <summary>Replaces the server and YARP's HTTP client of the host being built.</summary>
    public static InProcessHost Configure(WebApplicationBuilder builder)
    {
        var upstream = new CannedUpstream();
        var server = new CapturingServer { Upstream = upstream };
        builder.Services.AddSingleton<IServer>(server);
        builder.Services.AddSingleton<IForwarderHttpClientFactory>(new CannedClientFactory(upstream));
        return new InProcessHost(server, upstream);
    }

    /// <summary>One request through the host, as Kestrel runs it: answers the status code.</summary>
    public Task<int> SendAsync(string path, string? cookieHeader) =>
        (_server.Application ?? throw new InvalidOperationException("The host is not started.")).SendAsync(path, cookieHeader);

    private sealed class CapturingServer : IServer
    {
        public IFeatureCollection Features { get; } = CreateFeatures();

        public Runner? Application { get; private set; }

        public CannedUpstream? Upstream { get; set; }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            Application = new Runner<TContext>(application, Upstream ?? throw new InvalidOperationException("No upstream."));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }

        private static FeatureCollection CreateFeatures()
        {
            var features = new FeatureCollection();
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add("http://127.0.0.1:5000");
            features.Set<IServerAddressesFeature>(addresses);
            return features;
        }
    }

    private abstract class Runner
    {
        public abstract Task<int> SendAsync(string path, string? cookieHeader);

        /// <summary>The features Kestrel gives a request of wrk's (the bench's headers).</summary>
        protected static FeatureCollection Request(string path, string? cookieHeader)
        {
            IHeaderDictionary headers = new HeaderDictionary
            {
                ["Host"] = "127.0.0.1:5000",
                ["X-CSRF"] = "1",
            };
            if (cookieHeader is not null)
            {
                headers.Cookie = cookieHeader;
            }

            var features = new FeatureCollection(12);
            features.Set<IHttpRequestFeature>(new HttpRequestFeature
            {
                Protocol = "HTTP/1.1",
                Method = HttpMethods.Get,
                Scheme = "http",
                Path = path,
                Headers = headers,
            });
            var response = new HttpResponseFeature();
            features.Set<IHttpResponseFeature>(response);
            features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
            features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature());
            features.Set<IHttpRequestBodyDetectionFeature>(NoBody.Instance);
            features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
            {
                ConnectionId = "bench",
                LocalIpAddress = IPAddress.Loopback,
                LocalPort = 5000,
                RemoteIpAddress = IPAddress.Loopback,
                RemotePort = 40000,
            });
            return features;
        }
    }

    private sealed class Runner<TContext>(IHttpApplication<TContext> application, CannedUpstream upstream) : Runner
        where TContext : notnull
    {
        public override async Task<int> SendAsync(string path, string? cookieHeader)
        {
            var features = Request(path, cookieHeader);
            var context = application.CreateContext(features);
            try
            {
                var processing = application.ProcessRequestAsync(context);

                // The upstream's answer "arrives" now, on this thread: everything awaiting it had
                // to go asynchronous, as over a socket, without a thread switch to time as well.
                while (!processing.IsCompleted)
                {
                    if (!upstream.AnswerPending())
                    {
                        await Task.Yield(); // something else is awaited first (not on the Memory store's path)
                    }
                }

                await processing;
            }
            catch (Exception ex)
            {
                application.DisposeContext(context, ex);
                throw;
            }

            application.DisposeContext(context, null);
            return features.GetRequiredFeature<IHttpResponseFeature>().StatusCode;
        }
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly NoBody Instance = new();

        public bool CanHaveBody => false;
    }

    private sealed class CannedClientFactory(CannedUpstream upstream) : IForwarderHttpClientFactory
    {
        public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) => new(upstream, disposeHandler: false);
    }

    /// <summary>
    /// Answers every request with the upstream's document, not at once: the answer is given when the
    /// runner calls <see cref="AnswerPending"/> (so the forwarder and every middleware awaiting it
    /// complete asynchronously, as in the end-to-end run). Keeps what the bench checks of a request.
    /// </summary>
    private sealed class CannedUpstream : HttpMessageHandler
    {
        private TaskCompletionSource<HttpResponseMessage>? _pending;

        public bool Inspect { get; set; }

        public string? LastAuthorization { get; private set; }

        public bool LastHadCookie { get; private set; }

        /// <summary>Answers the request waiting for its answer, if any; its awaiters run on this thread.</summary>
        public bool AnswerPending()
        {
            if (Interlocked.Exchange(ref _pending, null) is not { } pending)
            {
                return false;
            }

            // As HttpClient's parser leaves a response's headers: raw values, parsed when asked.
            var content = new ByteArrayContent(Payload);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            content.Headers.TryAddWithoutValidation("Content-Length", "1024");
            pending.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, Version = HttpVersion.Version11 });
            return true;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Inspect)
            {
                LastAuthorization = request.Headers.TryGetValues("Authorization", out var values) ? values.First() : null;
                LastHadCookie = request.Headers.Contains("Cookie");
            }

            var pending = new TaskCompletionSource<HttpResponseMessage>(); // continuations inline, on the thread that answers
            if (Interlocked.CompareExchange(ref _pending, pending, null) is not null)
            {
                throw new InvalidOperationException("The in-process host runs one request at a time.");
            }

            return pending.Task;
        }
    }
}
