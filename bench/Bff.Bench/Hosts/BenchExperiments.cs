using System.Collections.Concurrent;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Bff.Bench.Hosts;

/// <summary>
/// Prototypes of hot-path changes to the library, switched on in the bench host only
/// (<c>--Bench:Experiments=ticket-cache,cookie-cache</c>), so that their effect is measured end to
/// end, side by side with the unchanged BFF, before anyone changes the library. They wrap the
/// library's own services; they are not meant as the implementation (no size bound, no metrics).
/// <list type="bullet">
/// <item><c>ticket-cache</c>: the cookie handler's ticket store keeps the deserialized ticket per
/// session key with the protected bytes it came from; a request whose stored bytes are the same
/// (same array for the Memory store, equal bytes for the others) gets a copy of it instead of
/// Unprotect + TicketSerializer.Deserialize. Never stale: the store is still read every time.</item>
/// <item><c>cookie-cache</c>: the cookie's TicketDataFormat remembers what each cookie value
/// unprotected to, so a known cookie skips data protection.</item>
/// </list>
/// </summary>
internal sealed class BenchExperiments : IPostConfigureOptions<CookieAuthenticationOptions>
{
    private readonly IServiceProvider _services;
    private readonly HashSet<string> _enabled;

    public BenchExperiments(IServiceProvider services, IEnumerable<string> enabled)
    {
        _services = services;
        _enabled = new HashSet<string>(enabled, StringComparer.OrdinalIgnoreCase);
    }

    public static readonly string[] Known = ["ticket-cache", "cookie-cache"];

    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name != BffDefaults.CookieScheme)
        {
            return;
        }

        if (_enabled.Contains("ticket-cache"))
        {
            options.SessionStore = new CachingTicketStore(
                _services.GetRequiredService<ServerSideTicketStore>(),
                _services.GetRequiredService<IUserSessionStore>(),
                _services.GetRequiredService<TimeProvider>());
        }

        if (_enabled.Contains("cookie-cache"))
        {
            options.TicketDataFormat = new CachingTicketDataFormat(options.TicketDataFormat);
        }
    }

    internal static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(ticket.Principal.Clone(), ticket.Properties.Clone(), ticket.AuthenticationScheme);

    private sealed class CachingTicketStore(ServerSideTicketStore inner, IUserSessionStore store, TimeProvider time) : ITicketStore
    {
        private readonly ConcurrentDictionary<string, (byte[] Protected, AuthenticationTicket Ticket)> _cache = new(StringComparer.Ordinal);

        public Task<string> StoreAsync(AuthenticationTicket ticket) => inner.StoreAsync(ticket);

        public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => inner.StoreAsync(ticket, cancellationToken);

        public Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
            inner.StoreAsync(ticket, httpContext, cancellationToken);

        public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null!, CancellationToken.None);

        public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewAsync(key, ticket, null!, cancellationToken);

        public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
        {
            _cache.TryRemove(key, out _);
            return inner.RenewAsync(key, ticket, httpContext, cancellationToken);
        }

        public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null!, CancellationToken.None);

        public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null!, cancellationToken);

        public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
        {
            var session = await store.GetAsync(key, cancellationToken);
            if (session is null || (session.Expires is { } expires && expires <= time.GetUtcNow()))
            {
                _cache.TryRemove(key, out _);
                return await inner.RetrieveAsync(key, httpContext, cancellationToken); // the library's own answer (and clean-up)
            }

            if (_cache.TryGetValue(key, out var hit)
                && (ReferenceEquals(hit.Protected, session.Ticket) || hit.Protected.AsSpan().SequenceEqual(session.Ticket)))
            {
                return Copy(hit.Ticket);
            }

            var ticket = await inner.RetrieveAsync(key, httpContext, cancellationToken);
            if (ticket is not null)
            {
                _cache[key] = (session.Ticket, Copy(ticket));
            }

            return ticket;
        }

        public Task RemoveAsync(string key) => RemoveAsync(key, null!, CancellationToken.None);

        public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null!, cancellationToken);

        public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
        {
            _cache.TryRemove(key, out _);
            return inner.RemoveAsync(key, httpContext, cancellationToken);
        }
    }

    private sealed class CachingTicketDataFormat(ISecureDataFormat<AuthenticationTicket> inner) : ISecureDataFormat<AuthenticationTicket>
    {
        private readonly ConcurrentDictionary<string, AuthenticationTicket> _cache = new(StringComparer.Ordinal);

        public string Protect(AuthenticationTicket data) => inner.Protect(data);

        public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            if (protectedText is null || purpose is not null)
            {
                return inner.Unprotect(protectedText, purpose);
            }

            if (_cache.TryGetValue(protectedText, out var hit))
            {
                return Copy(hit);
            }

            var ticket = inner.Unprotect(protectedText);
            if (ticket is not null)
            {
                _cache[protectedText] = Copy(ticket);
            }

            return ticket;
        }
    }
}
