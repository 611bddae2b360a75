using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/silent-login</c>: a <c>prompt=none</c> login for a hidden iframe. The provider
/// answers without any page; the flow ends on <c>/bff/silent-login-callback</c>, which posts
/// <c>{ source: "bff-silent-login", isLoggedIn }</c> to the parent window of the same origin only.
/// Login starts are rate-limited per client, and refused (503) while the session store refuses
/// writes, as <c>/bff/login</c>'s are.
/// </summary>
public class DefaultSilentLoginEndpoint : ISilentLoginEndpoint
{
    private readonly IOptions<BffOptions> _options;
    private readonly Endpoints.LoginThrottle _throttle;
    private readonly ILogger _logger;
    private readonly Sessions.IUserSessionStore _store;
    private readonly Sessions.SessionStoreOutage _storeOutage;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultSilentLoginEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _options = services.GetRequiredService<IOptions<BffOptions>>();
        _throttle = services.GetRequiredService<Endpoints.LoginThrottle>();
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenBff.Endpoints.SilentLoginEndpoint");
        _store = services.GetRequiredService<Sessions.IUserSessionStore>();
        _storeOutage = services.GetRequiredService<Sessions.SessionStoreOutage>();
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        Endpoints.LoginChallenge.EnsureSessionCanBeStored(_store, _storeOutage); // as /bff/login: 503 while the store refuses writes
        if (!await _throttle.TryStartAsync(context))
        {
            return;
        }

        var properties = new OpenIdConnectChallengeProperties();
        Endpoints.SilentLogin.MakeSilent(properties, _options.Value);
        await Endpoints.LoginChallenge.ChallengeAsync(context, properties, _logger, cancellationToken);
    }
}
