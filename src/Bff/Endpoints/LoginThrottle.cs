using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using static OpenBff.Configuration.ConfigureOpenIdConnectOptions;

namespace OpenBff.Endpoints;

/// <summary>
/// Anonymous requests must not make the BFF work for free: each login start costs a pushed
/// authorization request at the provider and two cookies in the browser. Login starts are limited
/// per client address (<c>Bff:Login:RateLimit</c> per <c>RateLimitWindow</c>: 429 with
/// <c>Retry-After</c>), and a browser keeps at most <c>Bff:Login:MaxPendingLogins</c> unfinished
/// logins: a login started with that many pending drops the oldest one's correlation and nonce
/// cookies, so a login in progress in another tab still completes. The handler's cookies do not say
/// which login is older: its nonce (<c>ticks.random</c>) does, so <see cref="NameCorrelationAfterNonce"/>
/// names each correlation cookie after its nonce's ticks, which also pairs it with its nonce cookie.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private const string CorrelationProperty = ".xsrf"; // RemoteAuthenticationHandler's key for the correlation id

    private readonly BffLoginOptions _options;
    private readonly ILogger<LoginThrottle> _logger;
    private readonly PartitionedRateLimiter<HttpContext>? _limiter;
    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidc;

    public LoginThrottle(IOptions<BffOptions> options, IOptionsMonitor<OpenIdConnectOptions> oidc, ILogger<LoginThrottle> logger)
    {
        _options = options.Value.Login;
        _oidc = oidc;
        _logger = logger;
        if (_options.RateLimit > 0)
        {
            _limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    ClientAddress(context),
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = _options.RateLimit,
                        Window = _options.RateLimitWindow,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
        }
    }

    /// <summary>True when this login may start; otherwise the 429 answer is written.</summary>
    public async Task<bool> TryStartAsync(HttpContext context)
    {
        if (_limiter is not null)
        {
            using var lease = _limiter.AttemptAcquire(context);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _options.RateLimitWindow;
                BffLog.LoginRateLimited(_logger, ClientAddress(context));
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("Too many logins from this address; try again later.", context.RequestAborted);
                return false;
            }
        }

        DropPendingLoginsBeyondLimit(context);
        return true;
    }

    /// <summary>
    /// Renames this login's correlation cookie (already in the response, its id in the properties
    /// the state will carry) to <c>{nonce ticks}.{id}</c>, so the next login start can tell the
    /// pending logins' ages and find each one's nonce cookie. Called while redirecting to the
    /// provider, before the state is protected.
    /// </summary>
    public static void NameCorrelationAfterNonce(RedirectContext context)
    {
        if (!context.Properties.Items.TryGetValue(CorrelationProperty, out var id) || id is null)
        {
            return;
        }

        var ticks = NonceTicks(context.ProtocolMessage.Nonce) ?? context.Options.TimeProvider!.GetUtcNow().UtcTicks;
        var newId = ticks.ToString(CultureInfo.InvariantCulture) + "." + id;
        var setCookie = context.Response.Headers.SetCookie.ToArray();
        var old = CorrelationCookiePrefix + id + "=";
        for (var i = 0; i < setCookie.Length; i++)
        {
            if (setCookie[i]?.StartsWith(old, StringComparison.Ordinal) == true)
            {
                setCookie[i] = CorrelationCookiePrefix + newId + "=" + setCookie[i]![old.Length..];
                context.Properties.Items[CorrelationProperty] = newId;
                context.Response.Headers.SetCookie = setCookie;
                return;
            }
        }
    }

    private void DropPendingLoginsBeyondLimit(HttpContext context)
    {
        var cookies = context.Request.Cookies;
        var pending = cookies.Keys.Where(name => name.StartsWith(CorrelationCookiePrefix, StringComparison.Ordinal)).ToList();
        if (pending.Count < _options.MaxPendingLogins)
        {
            return;
        }

        // The newest MaxPendingLogins - 1 stay (with the new one, MaxPendingLogins); a name without
        // ticks (planted, or from before) counts as the oldest, a nonce cookie no kept login owns goes.
        var byAge = pending.Select(name => (Name: name, Ticks: CorrelationTicks(name) ?? 0)).OrderBy(login => login.Ticks).ToList();
        var dropped = byAge.Count - _options.MaxPendingLogins + 1;
        var kept = byAge.Skip(dropped).Select(login => login.Ticks).ToHashSet();
        var options = new CookieOptions { Path = "/", Secure = true, HttpOnly = true, SameSite = SameSiteMode.None };
        foreach (var (name, _) in byAge.Take(dropped))
        {
            context.Response.Cookies.Delete(name, options);
        }

        var nonces = _oidc.Get(BffDefaults.OidcScheme).StringDataFormat;
        foreach (var name in cookies.Keys)
        {
            if (name.StartsWith(NonceCookiePrefix, StringComparison.Ordinal)
                && !(NonceTicks(nonces.Unprotect(name[NonceCookiePrefix.Length..])) is { } ticks && kept.Contains(ticks)))
            {
                context.Response.Cookies.Delete(name, options);
            }
        }
    }

    /// <summary>The ticks a nonce of the OpenID Connect handler starts with (<c>ticks.random</c>).</summary>
    private static long? NonceTicks(string? nonce)
    {
        var dot = nonce?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot > 0 && long.TryParse(nonce.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    private static long? CorrelationTicks(string name) => NonceTicks(name[CorrelationCookiePrefix.Length..]);

    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : IPAddress.None.ToString();

    public void Dispose() => _limiter?.Dispose();
}
