using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Wraps the session cookie's ticket format (set by the cookie handler's own post-configuration) in <see cref="CachingCookieTicketFormat"/>.</summary>
internal sealed class PostConfigureCookieTicketFormat : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == BffDefaults.CookieScheme && options.TicketDataFormat is not CachingCookieTicketFormat)
        {
            options.TicketDataFormat = new CachingCookieTicketFormat(options.TicketDataFormat);
        }
    }
}
