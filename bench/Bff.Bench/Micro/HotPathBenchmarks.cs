using BenchmarkDotNet.Attributes;
using OpenBff.AntiForgery;
using OpenBff.Proxy;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Bench.Micro;

/// <summary>
/// What the BFF adds to one proxied GET with a valid session, Memory store: the middlewares the
/// host puts before YARP (UseBffAuthentication, UseBff, UseAuthorization), each run as the host
/// runs them, in a fresh request scope, then the Bearer header the transform adds. The same with
/// ASP.NET Core's UseAuthentication in place of UseBffAuthentication, which creates the OpenID
/// Connect handler on every request. The baseline is the request scope and context alone, which
/// bare YARP pays too.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private BffFixture _bff = null!;
    private RequestDelegate _bffPipeline = null!;
    private RequestDelegate _authenticationOnly = null!;
    private RequestDelegate _bffAuthenticationPipeline = null!;
    private RequestDelegate _bffAuthenticationOnly = null!;
    private Endpoint _endpoint = null!;
    private RouteConfig _route = null!;
    private BffRouteSettingsCache _routes = null!;
    private BffOptions _options = null!;
    private UserTokenManager _userTokens = null!;
    private DefaultHttpContext _csrfRequest = null!;
    private string _cookieHeader = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bff = await BffFixture.CreateAsync("Memory", BffFixture.DevIdpTokens);
        var services = _bff.Services;
        _cookieHeader = _bff.CookieHeader;
        _routes = services.GetRequiredService<BffRouteSettingsCache>();
        _options = services.GetRequiredService<IOptions<BffOptions>>().Value;
        _userTokens = services.GetRequiredService<UserTokenManager>();
        (_route, _endpoint) = BffFixture.ApiRoute();
        var bffMiddleware = BffFixture.BffAndAuthorization(services);
        RequestDelegate end = _ => Task.CompletedTask;
        _bffPipeline = ActivatorUtilities.CreateInstance<AuthenticationMiddleware>(services, bffMiddleware).Invoke;
        _authenticationOnly = ActivatorUtilities.CreateInstance<AuthenticationMiddleware>(services, end).Invoke;
        _bffAuthenticationPipeline = ActivatorUtilities.CreateInstance<BffAuthenticationMiddleware>(services, bffMiddleware).InvokeAsync;
        _bffAuthenticationOnly = ActivatorUtilities.CreateInstance<BffAuthenticationMiddleware>(services, end).InvokeAsync;

        _csrfRequest = BffFixture.NewRequest(services, _cookieHeader);

        // Fail fast if a pipeline does not resolve a token (the numbers would mean nothing).
        foreach (var pipeline in new[] { _bffPipeline, _bffAuthenticationPipeline })
        {
            await using var scope = services.CreateAsyncScope();
            var probe = NewProxiedRequest(scope.ServiceProvider);
            await pipeline(probe);
            if (probe.Items["Authorization"] is not string { Length: > 7 } bearer || !bearer.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The BFF pipeline did not attach a token (status {probe.Response.StatusCode}).");
            }
        }
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _bff.DisposeAsync().AsTask();

    [Benchmark(Description = "AntiForgeryHeader.IsPresent")]
    public bool AntiForgery() => AntiForgeryHeader.IsPresent(_csrfRequest.Request, _options);

    /// <summary>The session cookie found in the request's Cookie header (a real login's cookie), before the cookie cache is asked.</summary>
    [Benchmark(Description = "KnownSessionCookieManager.TryFindSingleValue (a real session cookie)")]
    public int FindSessionCookie() =>
        OpenBff.Configuration.KnownSessionCookieManager.TryFindSingleValue(_cookieHeader, _bff.CookieName, out _, out var length) ? length : -1;

    [Benchmark(Description = "BffRouteSettingsCache.Get")]
    public object RouteSettings() => _routes.Get(_route);

    [Benchmark(Baseline = true, Description = "request scope + HttpContext (baseline, YARP pays it too)")]
    public async Task<int> RequestScopeOnly()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        return context.Request.Headers.Count;
    }

    [Benchmark(Description = "UseAuthentication, no cookie (anonymous request)")]
    public async Task<bool> AuthenticationAnonymous()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = BffFixture.NewRequest(scope.ServiceProvider, cookieHeader: null);
        context.SetEndpoint(_endpoint);
        await _authenticationOnly(context);
        return context.User.Identity?.IsAuthenticated == true;
    }

    [Benchmark(Description = "UseBffAuthentication, no cookie (anonymous request)")]
    public async Task<bool> BffAuthenticationAnonymous()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = BffFixture.NewRequest(scope.ServiceProvider, cookieHeader: null);
        context.SetEndpoint(_endpoint);
        await _bffAuthenticationOnly(context);
        return context.User.Identity?.IsAuthenticated == true;
    }

    [Benchmark(Description = "AuthenticateAsync(cookie scheme), no cookie, without UseAuthentication's request-handler scan")]
    public async Task<bool> CookieSchemeAnonymous()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = BffFixture.NewRequest(scope.ServiceProvider, cookieHeader: null);
        context.SetEndpoint(_endpoint);
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        return result.Succeeded;
    }

    [Benchmark(Description = "UseAuthentication with the session cookie (ticket store read)")]
    public async Task<bool> AuthenticationWithSession()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        await _authenticationOnly(context);
        return context.User.Identity?.IsAuthenticated == true;
    }

    [Benchmark(Description = "UseBffAuthentication with the session cookie (ticket store read)")]
    public async Task<bool> BffAuthenticationWithSession()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        await _bffAuthenticationOnly(context);
        return context.User.Identity?.IsAuthenticated == true;
    }

    [Benchmark(Description = "AuthenticateAsync + UserTokenManager.GetAccessTokenAsync")]
    public async Task<string?> AuthenticateAndGetToken()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        await context.AuthenticateAsync();
        var result = await _userTokens.GetAccessTokenAsync(context, CancellationToken.None);
        return result.AccessToken;
    }

    [Benchmark(Description = "BFF per request: UseAuthentication + UseBff + UseAuthorization + Bearer")]
    public async Task<object?> BffPipeline()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        await _bffPipeline(context);
        return context.Items["Authorization"];
    }

    [Benchmark(Description = "BFF per request: UseBffAuthentication + UseBff + UseAuthorization + Bearer (the host)")]
    public async Task<object?> BffAuthenticationPipeline()
    {
        await using var scope = _bff.Services.CreateAsyncScope();
        var context = NewProxiedRequest(scope.ServiceProvider);
        await _bffAuthenticationPipeline(context);
        return context.Items["Authorization"];
    }

    private DefaultHttpContext NewProxiedRequest(IServiceProvider requestServices)
    {
        var context = BffFixture.NewRequest(requestServices, _cookieHeader);
        context.SetEndpoint(_endpoint);
        return context;
    }
}
