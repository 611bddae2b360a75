using System.Net;
using System.Text;
using OpenBff.Diagnostics;
using OpenBff.TokenEndpoint;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="ClientTokenCache"/>: one client-credentials token per scope and resource, fetched
/// once however many callers need it at the same time, reused until <c>RefreshBeforeExpiry</c>
/// before it expires; a refusal is not cached; a token endpoint that does not answer within
/// <c>RefreshTimeout</c> (by the application's clock) is a timeout. The token endpoint is an
/// in-memory handler: no sockets.
/// </summary>
public sealed class ClientTokenCacheTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TokenEndpoint _endpoint = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HttpClient _backchannel;
    private readonly ClientTokenCache _cache;

    public ClientTokenCacheTests()
    {
        _backchannel = new HttpClient(_endpoint);
        var bff = new BffOptions();
        bff.Oidc.ClientId = "bff";
        bff.Oidc.ClientSecret = "secret";
        bff.Tokens.RefreshBeforeExpiry = TimeSpan.FromMinutes(1);
        bff.Tokens.RefreshTimeout = TimeSpan.FromMinutes(1); // far longer than the test waits for real
        var oidc = new OpenIdConnectOptions
        {
            Backchannel = _backchannel,
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(
                new OpenIdConnectConfiguration { Issuer = "https://idp.example", TokenEndpoint = "https://idp.example/token" }),
        };
        var tokenClient = new TokenEndpointClient(new Fixed<OpenIdConnectOptions>(oidc), new Fixed<BffOptions>(bff), new ClientAssertionSigner(Options.Create(bff), _time));
        var metrics = new BffInstruments(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new OpenBff.Sessions.ActiveSessionCounter(_services, _time, NullLogger<OpenBff.Sessions.ActiveSessionCounter>.Instance));
        _cache = new ClientTokenCache(tokenClient, _time, new Fixed<BffOptions>(bff), NullLogger<ClientTokenCache>.Instance, metrics);
    }

    public void Dispose()
    {
        _backchannel.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task Concurrent_callers_for_one_scope_cause_one_token_request()
    {
        _endpoint.Hold();
        var callers = Enumerable.Range(0, 8).Select(_ => _cache.GetAccessTokenAsync("api", null, CancellationToken.None)).ToList();
        await _endpoint.Received.WaitAsync(TimeSpan.FromSeconds(10));

        _endpoint.Release();
        var results = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _endpoint.Requests);
        Assert.All(results, r => Assert.Equal((AccessTokenStatus.Ok, "token-1"), (r.Status, r.AccessToken)));
    }

    [Fact]
    public async Task A_token_is_reused_until_refresh_before_expiry_before_it_expires_then_fetched_again()
    {
        var first = await _cache.GetAccessTokenAsync("api", null, CancellationToken.None);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(300), first.ExpiresAt);

        _time.Advance(TimeSpan.FromSeconds(239)); // expires in 300 s, renewed 60 s before
        Assert.Equal("token-1", (await _cache.GetAccessTokenAsync("api", null, CancellationToken.None)).AccessToken);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", (await _cache.GetAccessTokenAsync("api", null, CancellationToken.None)).AccessToken);
        Assert.Equal(2, _endpoint.Requests);
    }

    [Fact]
    public async Task Each_scope_and_resource_has_its_own_token()
    {
        var api = await _cache.GetAccessTokenAsync("api", null, CancellationToken.None);
        var other = await _cache.GetAccessTokenAsync("other", null, CancellationToken.None);
        var resource = await _cache.GetAccessTokenAsync("api", "https://api.example", CancellationToken.None);

        Assert.Equal(3, new[] { api.AccessToken, other.AccessToken, resource.AccessToken }.Distinct().Count());
        Assert.Equal(3, _endpoint.Requests);
        Assert.Equal(api.AccessToken, (await _cache.GetAccessTokenAsync("api", null, CancellationToken.None)).AccessToken);
    }

    [Fact]
    public async Task A_refusal_is_answered_as_such_and_not_cached()
    {
        _endpoint.Refuse = true;
        Assert.Equal(AccessTokenStatus.ProviderRejected, (await _cache.GetAccessTokenAsync("api", null, CancellationToken.None)).Status);

        _endpoint.Refuse = false;
        var next = await _cache.GetAccessTokenAsync("api", null, CancellationToken.None);

        Assert.Equal(AccessTokenStatus.Ok, next.Status);
        Assert.Equal(2, _endpoint.Requests);
    }

    [Fact]
    public async Task A_token_endpoint_that_does_not_answer_within_the_refresh_timeout_is_a_timeout()
    {
        _endpoint.Hold();
        var call = _cache.GetAccessTokenAsync("api", null, CancellationToken.None);
        await _endpoint.Received.WaitAsync(TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(AccessTokenStatus.Timeout, (await call.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        _endpoint.Release();
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_request_the_others_wait_for()
    {
        _endpoint.Hold();
        using var giveUp = new CancellationTokenSource();
        var impatient = _cache.GetAccessTokenAsync("api", null, giveUp.Token);
        var patient = _cache.GetAccessTokenAsync("api", null, CancellationToken.None);
        await _endpoint.Received.WaitAsync(TimeSpan.FromSeconds(10));

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.WaitAsync(TimeSpan.FromSeconds(10)));
        _endpoint.Release();

        Assert.Equal("token-1", (await patient.WaitAsync(TimeSpan.FromSeconds(10))).AccessToken);
        Assert.Equal(1, _endpoint.Requests);
    }

    private sealed class Fixed<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>A token endpoint in memory: numbered tokens valid 300 s, or invalid_client; it can hold its answers.</summary>
    private sealed class TokenEndpoint : HttpMessageHandler
    {
        private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _gate = CompletedGate();
        private int _requests;

        public int Requests => _requests;

        public bool Refuse { get; set; }

        /// <summary>Completes when the first request has arrived.</summary>
        public Task Received => _received.Task;

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref _requests);
            _received.TrySetResult();
            await _gate.Task;
            var (status, json) = Refuse
                ? (HttpStatusCode.BadRequest, """{"error":"invalid_client"}""")
                : (HttpStatusCode.OK, $$"""{"access_token":"token-{{number}}","token_type":"Bearer","expires_in":300}""");
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }
}
