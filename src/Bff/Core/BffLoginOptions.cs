namespace OpenBff;

/// <summary>Limits on starting logins (<c>Bff:Login</c>), against unauthenticated amplification.</summary>
public sealed class BffLoginOptions
{
    /// <summary>
    /// Login starts (<c>/bff/login</c>, <c>/bff/silent-login</c>) allowed per client address in each
    /// <see cref="RateLimitWindow"/> (<c>Bff:Login:RateLimit</c>); more get 429 with <c>Retry-After</c>
    /// and cost the provider nothing. Default 30; <c>0</c> turns the limit off. Behind a proxy,
    /// configure <c>Bff:ForwardedHeaders</c> so the client's address is seen, not the proxy's.
    /// </summary>
    public int RateLimit { get; set; } = 30;

    /// <summary>The window of <see cref="RateLimit"/> (<c>Bff:Login:RateLimitWindow</c>). Default 1 minute.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Unfinished logins a browser may have at once (<c>Bff:Login:MaxPendingLogins</c>): each holds a
    /// correlation and a nonce cookie until it completes or 15 minutes pass; a login started with
    /// this many pending drops the oldest (a login in progress in another tab goes on), so abandoned
    /// logins can never grow the browser's cookies past what the server accepts. Default 3.
    /// </summary>
    public int MaxPendingLogins { get; set; } = 3;
}
