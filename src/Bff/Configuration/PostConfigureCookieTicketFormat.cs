using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace OpenBff.Configuration;

/// <summary>
/// Wraps the session cookie's ticket format (set by the cookie handler's own post-configuration) in
/// <see cref="SessionCache.CachingCookieTicketFormat"/>, and its cookie manager, when it is ASP.NET Core's
/// default, in <see cref="KnownSessionCookieManager"/>.
/// </summary>
internal sealed class PostConfigureCookieTicketFormat(TimeProvider time, LostKeyRingDetector lostKeys, SessionCache.SessionCacheOptions cacheOptions) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name != BffDefaults.CookieScheme || options.TicketDataFormat is SessionCache.CachingCookieTicketFormat)
        {
            return;
        }

        var format = new SessionCache.CachingCookieTicketFormat(options.TicketDataFormat, time, lostKeys.Refused, cacheOptions);
        options.TicketDataFormat = format;
        if (options.CookieManager is ChunkingCookieManager)
        {
            options.CookieManager = new KnownSessionCookieManager(options.CookieManager, format);
        }
    }
}
