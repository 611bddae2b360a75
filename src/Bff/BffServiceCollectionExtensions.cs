using Bff.Configuration;
using Bff.Core;
using Bff.Endpoints;
using Bff.Logout;
using Bff.Proxy;
using Bff.Sessions;
using Bff.TokenEndpoint;
using Bff.Tokens;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the BFF.</summary>
public static class BffServiceCollectionExtensions
{
    /// <summary>
    /// Adds the BFF: cookie session + OpenID Connect client, token management and the management
    /// endpoints' services. Options are validated when the host starts, and every problem is reported.
    /// </summary>
    public static BffBuilder AddBff(this IServiceCollection services, Action<Bff.BffOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<Bff.BffOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(BffMarker)))
        {
            return new BffBuilder(services); // called again (e.g. by the host and by a library): registered once
        }

        services.AddSingleton<BffMarker>();

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Bff.BffOptions>, BffOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The BFF's payloads use data protection of their own (BffDataProtection): the host's is
        // left as the host configured it.
        services.TryAddSingleton<BffDataProtection>();
        services.AddHostedService<BffDataProtectionWarmup>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Bff.BffDefaults.CookieScheme;
                o.DefaultChallengeScheme = Bff.BffDefaults.CookieScheme; // 401 for APIs; /bff/login challenges oidc itself
                o.DefaultSignOutScheme = Bff.BffDefaults.CookieScheme;
            })
            .AddCookie(Bff.BffDefaults.CookieScheme)
            .AddOpenIdConnect(Bff.BffDefaults.OidcScheme, _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CookieAuthenticationOptions>, ConfigureCookieOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, PostConfigureCookieTicketFormat>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, ConfigureOpenIdConnectOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, PostConfigureOpenIdConnectOptions>()); // after ASP.NET Core's
        services.TryAddSingleton<UserInfoClaims>();
        services.TryAddSingleton<SessionTerminator>();
        services.TryAddSingleton<ActiveSessionCounter>();
        services.TryAddSingleton<Bff.Diagnostics.IActiveSessionSource>(static s => s.GetRequiredService<ActiveSessionCounter>());
        services.TryAddSingleton<ISessionRevocationService, SessionRevocationService>();
        services.TryAddSingleton<Bff.BffEvents>();
        services.TryAddSingleton<Bff.IReturnUrlValidator, Bff.LocalReturnUrlValidator>();
        services.TryAddSingleton<Bff.Events.BffEventRaiser>();
        services.TryAddSingleton<LostKeyRingDetector>();
        services.TryAddSingleton<SessionStoreOutage>();
        services.TryAddSingleton<PreviousSessionEnder>();
        services.TryAddSingleton<BffCookieFilter>();
        services.TryAddSingleton<FrontChannelLogout>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<SessionLimit>();
        services.AddAuthorization();

        services.TryAddSingleton<ServerSideTicketStore>();
        services.TryAddSingleton<UnsavedSessions>();
        services.AddHostedService<UnsavedSessionWriter>();
        services.TryAddSingleton<Bff.SessionCache.SessionCacheOptions>(); // every session-cache bound, in one place
        services.TryAddSingleton<Bff.SessionCache.TicketCache>();
        services.TryAddSingleton<Bff.SessionCache.InterningTicketSerializer>();
        services.TryAddSingleton<TokenEndpointClient>();
        services.TryAddSingleton<ClientAssertionSigner>();
        services.TryAddSingleton<UserTokenManager>();
        services.TryAddSingleton<RefreshBackoff>();
        services.TryAddSingleton<ClientTokenCache>();
        services.TryAddSingleton<RefreshTokenRevoker>();
        services.TryAddSingleton<BffRouteSettingsCache>();
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<Bff.Authentication.BffOpenIdConnectEvents>();
        services.TryAddSingleton<Bff.Authentication.BffCookieEvents>();

        // The management endpoints: a host's own registration, before or after AddBff(), replaces each.
        services.TryAddSingleton<Bff.ILoginEndpoint, Bff.DefaultLoginEndpoint>();
        services.TryAddSingleton<Bff.IUserEndpoint, Bff.DefaultUserEndpoint>();
        services.TryAddSingleton<Bff.ILogoutEndpoint, Bff.DefaultLogoutEndpoint>();
        services.TryAddSingleton<Bff.ISilentLoginEndpoint, Bff.DefaultSilentLoginEndpoint>();
        services.TryAddSingleton<Bff.ISilentLoginCallbackEndpoint, Bff.DefaultSilentLoginCallbackEndpoint>();
        services.TryAddSingleton<Bff.IBackchannelLogoutEndpoint, Bff.DefaultBackchannelLogoutEndpoint>();
        services.TryAddSingleton<Bff.IDiagnosticsEndpoint, Bff.DefaultDiagnosticsEndpoint>();
        Bff.Health.BffOperationsServices.Add(services); // metrics, readiness checks, discovery warm-up, diagnostics

        // Server-side sessions are the default, without a second call (AddServerSideSessions() stays, and is harmless).
        return new BffBuilder(services).AddServerSideSessions();
    }

    /// <summary>Marks a service collection <c>AddBff()</c> already filled.</summary>
    private sealed class BffMarker
    {
    }
}
