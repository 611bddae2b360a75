using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenBff.Sessions;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Bff.Tests.Authentication;

/// <summary>
/// The hot path's session authentication (issue 17, item 1): a session in use that needs no renewal
/// is authenticated to one shared result without ASP.NET Core's cookie handler, and nothing the
/// handler does for such a request is lost: the store is read on every request, a renewal due, a
/// host's cookie events and a host's claims transformation still go through the handler.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SessionAuthenticationTests(IdpFixture env)
{
    [Fact]
    public async Task Requests_of_a_session_in_use_share_one_authenticate_result_and_other_sessions_get_their_own()
    {
        var seen = new ConcurrentQueue<AuthenticateResult?>();
        await using var app = await LibraryHost.StartAsync(await LibraryHost.CreateBuilderAsync(env), host =>
            host.MapGet("/seen", (HttpContext context) =>
            {
                seen.Enqueue(context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult);
                return context.User.FindFirst("sub")?.Value;
            }));
        var url = app.BoundAddress();
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        await alice.LoginAsync(url, "alice", "alice");
        await bob.LoginAsync(url, "bob", "bob");
        await alice.ApiAsync($"{url}/seen"); // the first request of a session decrypts its cookie and ticket
        await bob.ApiAsync($"{url}/seen");
        seen.Clear();

        var subs = new[] { await alice.ApiAsync($"{url}/seen"), await alice.ApiAsync($"{url}/seen"), await bob.ApiAsync($"{url}/seen") }.Select(r => r.Body).ToList();

        var results = seen.ToArray();
        Assert.Equal(3, results.Length);
        Assert.NotEqual(subs[0], subs[2]);
        Assert.Equal(subs[0], subs[1]);
        Assert.Same(results[0], results[1]);
        Assert.NotSame(results[0], results[2]);
        Assert.Equal(subs[2], results[2]?.Principal?.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task A_session_the_store_no_longer_holds_is_refused_on_the_next_request_while_its_ticket_is_cached()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var (store, session) = await AliceSessionInUseAsync(bff, browser);
        await store.DeleteAsync(session.Key, CancellationToken.None); // as another instance's logout would

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task A_session_whose_stored_expiry_has_passed_is_refused_on_the_next_request_though_its_cached_ticket_runs_longer()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var (store, session) = await AliceSessionInUseAsync(bff, browser);

        // The same ticket, its record ending now: the store's expiry decides, as an operator's tool
        // or another instance may shorten it.
        await store.SetAsync(session with { Expires = bff.Time.GetUtcNow() }, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Empty(await store.FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None)); // ended, not only refused
    }

    [Fact]
    public async Task A_session_in_use_is_renewed_by_a_proxied_request_once_half_its_idle_timeout_passed()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:IdleTimeout"] = "00:04:00"; // renewal due after 2 minutes: within the 5 minutes a decrypted cookie is remembered
            s["Bff:Session:AbsoluteTimeout"] = "01:00:00";
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        bff.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status); // renews: expires at 7 minutes

        bff.Time.Advance(TimeSpan.FromMinutes(3)); // beyond the first expiry (4 minutes), within the renewed one
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task A_session_in_use_past_its_idle_timeout_is_refused_on_a_proxied_request()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:IdleTimeout"] = "00:04:00";
            s["Bff:Session:AbsoluteTimeout"] = "01:00:00";
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        bff.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1)); // the cookie is still remembered

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task A_hosts_OnValidatePrincipal_is_raised_on_every_request_and_its_rejection_refuses_the_session()
    {
        var validated = new StrongBox<int>();
        var reject = new StrongBox<bool>();
        await using var bff = await env.StartBffAsync(services: s => s.PostConfigure<CookieAuthenticationOptions>(OpenBff.BffDefaults.CookieScheme, o =>
        {
            var inner = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = context =>
            {
                Interlocked.Increment(ref validated.Value);
                if (Volatile.Read(ref reject.Value))
                {
                    context.RejectPrincipal();
                }

                return inner(context);
            };
        }));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await browser.ApiAsync($"{bff.Url}/api/hello");
        var before = Volatile.Read(ref validated.Value);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }

        var raised = Volatile.Read(ref validated.Value) - before;
        Volatile.Write(ref reject.Value, true);
        var rejected = await browser.ApiAsync($"{bff.Url}/api/hello");

        Assert.Equal(3, raised);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.Status);
    }

    [Fact]
    public async Task A_hosts_OnCheckSlidingExpiration_is_raised_on_every_request()
    {
        var checkedSliding = new StrongBox<int>();
        await using var bff = await env.StartBffAsync(services: s => s.PostConfigure<CookieAuthenticationOptions>(OpenBff.BffDefaults.CookieScheme, o =>
        {
            var inner = o.Events.OnCheckSlidingExpiration;
            o.Events.OnCheckSlidingExpiration = context =>
            {
                Interlocked.Increment(ref checkedSliding.Value);
                return inner(context);
            };
        }));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await browser.ApiAsync($"{bff.Url}/api/hello");
        var before = Volatile.Read(ref checkedSliding.Value);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }

        Assert.Equal(3, Volatile.Read(ref checkedSliding.Value) - before);
    }

    [Fact]
    public async Task The_authenticate_duration_metric_counts_every_request_of_a_session_in_use()
    {
        await using var bff = await env.StartBffAsync();
        var counted = new StrongBox<int>();
        using var listener = AuthenticateResultsOfTheCookieScheme(bff, result =>
        {
            if (result == "success")
            {
                Interlocked.Increment(ref counted.Value);
            }
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await browser.ApiAsync($"{bff.Url}/api/hello");
        var before = Volatile.Read(ref counted.Value);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }

        Assert.Equal(3, Volatile.Read(ref counted.Value) - before);
    }

    [Fact]
    public async Task A_claims_transformation_runs_on_every_request_and_what_it_adds_is_never_seen_by_the_next()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env, before: s => s.AddSingleton<IClaimsTransformation, RequestNumberClaim>());
        await using var app = await LibraryHost.StartAsync(builder, host =>
            host.MapGet("/requests", (HttpContext context) => context.User.FindAll(RequestNumberClaim.Type).Select(c => c.Value).ToArray()));
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);

        var seen = new List<string[]>();
        for (var i = 0; i < 3; i++)
        {
            seen.Add(JsonSerializer.Deserialize<string[]>((await browser.ApiAsync($"{url}/requests")).Body)!);
        }

        Assert.All(seen, numbers => Assert.Single(numbers));
        Assert.Equal(3, seen.Select(numbers => numbers[0]).Distinct().Count());
    }

    /// <summary>
    /// Alice logged in and her session in use: two proxied requests, so that her cookie and ticket
    /// are decrypted and cached (the hot path); her store and stored session.
    /// </summary>
    private static async Task<(IUserSessionStore Store, UserSession Session)> AliceSessionInUseAsync(TestBff bff, TestBrowser browser)
    {
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var store = bff.Services.GetRequiredService<IUserSessionStore>();
        return (store, Assert.Single(await store.FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None)));
    }

    [Fact]
    public async Task A_proxied_request_of_a_session_in_use_creates_no_request_service_scope()
    {
        // Asking for HttpContext.RequestServices creates the request's service scope (and its
        // disposal), which bare YARP never does; nothing the BFF does for such a request needs one.
        var scopeSeen = new ConcurrentQueue<bool>();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<ITransformProvider>(new ScopeProbe(scopeSeen)));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status); // the cookie's first request
        scopeSeen.Clear();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }

        Assert.Equal([false, false, false], scopeSeen);
    }

    [Fact]
    public async Task A_proxied_request_without_a_session_cookie_creates_no_request_service_scope()
    {
        // A visitor before login: the cookie handler would read no cookie and answer NoResult; the
        // BFF answers that itself, without the handler, its provider or the request's scope.
        var scopeSeen = new ConcurrentQueue<bool>();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<ITransformProvider>(new ScopeProbe(scopeSeen)));
        using var visitor = new TestBrowser();
        visitor.Cookies.Add(new Uri(bff.Url), new System.Net.Cookie("theme", "dark")); // another cookie of the site's
        Assert.Equal(HttpStatusCode.OK, (await visitor.ApiAsync($"{bff.Url}/none/api/echo")).Status); // the host's first request checks its services once
        scopeSeen.Clear();

        var none = await visitor.ApiAsync($"{bff.Url}/none/api/echo");
        var optional = await visitor.ApiAsync($"{bff.Url}/optional/api/echo");

        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Equal(HttpStatusCode.OK, optional.Status);
        Assert.Equal("absent", JsonDocument.Parse(optional.Body).RootElement.GetProperty("authorization").GetString()); // no token attached
        Assert.Equal([false, false], scopeSeen);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.ApiAsync($"{bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task A_cookie_header_that_mentions_the_session_cookie_name_is_read_by_the_cookie_handler()
    {
        // Only a header that cannot hold the session cookie is answered without the handler: one
        // that mentions its name (here in another cookie's value, in another letter case) is parsed
        // by ASP.NET Core as before, and finds no session either.
        var scopeSeen = new ConcurrentQueue<bool>();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<ITransformProvider>(new ScopeProbe(scopeSeen)));
        using var visitor = new TestBrowser();
        visitor.Cookies.Add(new Uri(bff.Url), new System.Net.Cookie("last", "__host-BFF"));
        using var warm = new TestBrowser();
        Assert.Equal(HttpStatusCode.OK, (await warm.ApiAsync($"{bff.Url}/none/api/echo")).Status); // the host's first request checks its services once
        scopeSeen.Clear();

        Assert.Equal(HttpStatusCode.OK, (await visitor.ApiAsync($"{bff.Url}/optional/api/echo")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.ApiAsync($"{bff.Url}/api/hello")).Status);

        // Nor one with an escape in it: ASP.NET Core unescapes the names it parses.
        using var escaped = new TestBrowser();
        escaped.Cookies.Add(new Uri(bff.Url), new System.Net.Cookie("pref", "a%3Db"));
        Assert.Equal(HttpStatusCode.OK, (await escaped.ApiAsync($"{bff.Url}/optional/api/echo")).Status);

        Assert.Equal([true, true], scopeSeen);
    }

    [Fact]
    public async Task The_authenticate_duration_metric_counts_a_request_without_a_session_cookie_as_none()
    {
        await using var bff = await env.StartBffAsync();
        var results = new ConcurrentQueue<string?>();
        using var listener = AuthenticateResultsOfTheCookieScheme(bff, results.Enqueue);
        using var visitor = new TestBrowser();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await visitor.ApiAsync($"{bff.Url}/none/api/echo")).Status);
        }

        Assert.Equal(["none", "none", "none"], results);
    }

    /// <summary>
    /// Listens to <paramref name="bff"/>'s own <c>aspnetcore.authentication.authenticate.duration</c>
    /// (its meter factory's, not another host's of the test process) and hands over the
    /// <c>aspnetcore.authentication.result</c> of each measurement of the BFF's cookie scheme.
    /// </summary>
    private static MeterListener AuthenticateResultsOfTheCookieScheme(TestBff bff, Action<string?> seen)
    {
        var meters = bff.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Name == "aspnetcore.authentication.authenticate.duration" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var tagged = tags.ToArray();
            if (tagged.Contains(new("aspnetcore.authentication.scheme", OpenBff.BffDefaults.CookieScheme)))
            {
                seen(tagged.FirstOrDefault(t => t.Key == "aspnetcore.authentication.result").Value as string);
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>Records, once YARP has the upstream's answer, whether the request's services were asked for so far.</summary>
    private sealed class ScopeProbe(ConcurrentQueue<bool> seen) : ITransformProvider
    {
        public void ValidateRoute(TransformRouteValidationContext context)
        {
        }

        public void ValidateCluster(TransformClusterValidationContext context)
        {
        }

        public void Apply(TransformBuilderContext context) =>
            context.AddResponseTransform(transform =>
            {
                seen.Enqueue(transform.HttpContext.Features.Get<IServiceProvidersFeature>() is not null);
                return ValueTask.CompletedTask;
            });
    }

    /// <summary>
    /// Adds an identity with the request's number to the principal it is given, as ASP.NET Core's
    /// documentation shows a transformation doing (it changes the principal it receives).
    /// </summary>
    private sealed class RequestNumberClaim : IClaimsTransformation
    {
        public const string Type = "test:request";
        private int _requests;

        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            principal.AddIdentity(new ClaimsIdentity([new Claim(Type, Interlocked.Increment(ref _requests).ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            return Task.FromResult(principal);
        }
    }
}
