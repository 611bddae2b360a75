using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// Anonymous requests must not make the BFF work for free: each login start costs a pushed
/// authorization request at the provider and two cookies in the browser. Login starts are limited
/// per client address (<c>Bff:Login:RateLimit</c> per <c>RateLimitWindow</c>: 429 with
/// <c>Retry-After</c>), and a browser keeps at most <c>Bff:Login:MaxPendingLogins</c> unfinished
/// logins: a login started with that many pending drops their correlation and nonce cookies.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private readonly BffLoginOptions _options;
    private readonly ILogger<LoginThrottle> _logger;
    private readonly PartitionedRateLimiter<HttpContext>? _limiter;

    public LoginThrottle(IOptions<BffOptions> options, ILogger<LoginThrottle> logger)
    {
        _options = options.Value.Login;
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

    private void DropPendingLoginsBeyondLimit(HttpContext context)
    {
        var cookies = context.Request.Cookies;
        var pending = cookies.Keys.Count(name => name.StartsWith(Configuration.ConfigureOpenIdConnectOptions.CorrelationCookiePrefix, StringComparison.Ordinal));
        if (pending < _options.MaxPendingLogins)
        {
            return;
        }

        // The cookies do not say which login is older; the unfinished ones all go, the new one starts.
        var options = new CookieOptions { Path = "/", Secure = true, HttpOnly = true, SameSite = SameSiteMode.None };
        foreach (var name in cookies.Keys)
        {
            if (name.StartsWith(Configuration.ConfigureOpenIdConnectOptions.CorrelationCookiePrefix, StringComparison.Ordinal)
                || name.StartsWith(Configuration.ConfigureOpenIdConnectOptions.NonceCookiePrefix, StringComparison.Ordinal))
            {
                context.Response.Cookies.Delete(name, options);
            }
        }
    }

    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : IPAddress.None.ToString();

    public void Dispose() => _limiter?.Dispose();
}
