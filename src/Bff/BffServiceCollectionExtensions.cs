using OpenBff.Configuration;
using OpenBff.Core;
using OpenBff.Endpoints;
using OpenBff.Logout;
using OpenBff.Proxy;
using OpenBff.Sessions;
using OpenBff.TokenEndpoint;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the BFF.</summary>
public static class BffServiceCollectionExtensions
{
    /// <summary>
    /// Adds the BFF: cookie session + OpenID Connect client, token management and the management
    /// endpoints' services. Options are validated when the host starts, and every problem is reported.
    /// </summary>
    public static BffBuilder AddBff(this IServiceCollection services, Action<OpenBff.BffOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<OpenBff.BffOptions>();
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenBff.BffOptions>, BffOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The BFF's payloads use data protection of their own (BffDataProtection): the host's is
        // left as the host configured it.
        services.TryAddSingleton<BffDataProtection>();
        services.AddHostedService<BffDataProtectionWarmup>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = OpenBff.BffDefaults.CookieScheme;
                o.DefaultChallengeScheme = OpenBff.BffDefaults.CookieScheme; // 401 for APIs; /bff/login challenges oidc itself
                o.DefaultSignOutScheme = OpenBff.BffDefaults.CookieScheme;
            })
            .AddCookie(OpenBff.BffDefaults.CookieScheme)
            .AddOpenIdConnect(OpenBff.BffDefaults.OidcScheme, _ => { });
        if (services.LastOrDefault(d => d.ServiceType == typeof(IAuthenticationSchemeProvider) && !d.IsKeyedService) is { ImplementationType: { } provider }
            && provider == typeof(AuthenticationSchemeProvider))
        {
            // The same answers without two new tasks per request; a host's own provider is left alone.
            services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, OpenBff.Authentication.CachingAuthenticationSchemeProvider>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CookieAuthenticationOptions>, ConfigureCookieOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, PostConfigureCookieTicketFormat>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, ConfigureOpenIdConnectOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, PostConfigureOpenIdConnectOptions>()); // after ASP.NET Core's
        services.TryAddSingleton<UserInfoClaims>();
        services.TryAddSingleton<SessionTerminator>();
        services.TryAddSingleton<ActiveSessionCounter>();
        services.TryAddSingleton<OpenBff.Diagnostics.IActiveSessionSource>(static s => s.GetRequiredService<ActiveSessionCounter>());
        services.TryAddSingleton<ISessionRevocationService, SessionRevocationService>();
        services.TryAddSingleton<OpenBff.BffEvents>();
        services.TryAddSingleton<OpenBff.IReturnUrlValidator, OpenBff.LocalReturnUrlValidator>();
        services.TryAddSingleton<OpenBff.Events.BffEventRaiser>();
        services.TryAddSingleton<LostKeyRingDetector>();
        services.TryAddSingleton<SessionStoreOutage>();
        services.TryAddSingleton<PreviousSessionEnder>();
        services.TryAddSingleton<BffCookieFilter>();
        services.TryAddSingleton<OpenBff.Proxy.StrippedRequestHeaders>();
        services.TryAddSingleton<FrontChannelLogout>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<SessionLimit>();

        // Upgraded connections (WebSockets) by session: closed when their session ends, here or on another instance.
        services.TryAddSingleton<OpenBff.RealTime.RealTimeConnections>();
        services.TryAddSingleton<OpenBff.Sessions.ISessionConnections>(static provider => provider.GetRequiredService<OpenBff.RealTime.RealTimeConnections>());
        services.TryAddSingleton<OpenBff.RealTime.RealTimeSessionCheck>();
        services.AddHostedService<OpenBff.RealTime.RealTimeExpirySweep>();
        services.AddHostedService<OpenBff.RealTime.RedisRealTimeListener>();
        services.AddAuthorization();

        services.TryAddSingleton<ServerSideTicketStore>();
        services.TryAddSingleton<UnsavedSessions>();
        services.AddHostedService<UnsavedSessionWriter>();
        services.TryAddSingleton(static s => // every session-cache bound, in one place
            OpenBff.SessionCache.SessionCacheOptions.For(s.GetRequiredService<IOptions<OpenBff.BffOptions>>().Value.Session));
        services.TryAddSingleton<OpenBff.SessionCache.TicketCache>();
        services.TryAddSingleton<OpenBff.SessionCache.InterningTicketSerializer>();
        services.TryAddSingleton<TokenEndpointClient>();
        services.TryAddSingleton<ClientAssertionSigner>();
        services.TryAddSingleton<UserTokenManager>();
        services.TryAddSingleton<RefreshBackoff>();
        services.TryAddSingleton<ClientTokenCache>();
        services.TryAddSingleton<RefreshTokenRevoker>();
        services.TryAddSingleton<BffRouteSettingsCache>();
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<OpenBff.Authentication.BffOpenIdConnectEvents>();
        services.TryAddSingleton<OpenBff.Authentication.BffCookieEvents>();
        services.TryAddSingleton<OpenBff.BffSessionAuthenticator>();
        services.TryAddSingleton<AuthenticationServiceShape>();
        services.TryAddSingleton<OpenBff.Authentication.AuthenticateDuration>();

        // The management endpoints: a host's own registration, before or after AddBff(), replaces each.
        services.TryAddSingleton<OpenBff.ILoginEndpoint, OpenBff.DefaultLoginEndpoint>();
        services.TryAddSingleton<OpenBff.IUserEndpoint, OpenBff.DefaultUserEndpoint>();
        services.TryAddSingleton<OpenBff.ILogoutEndpoint, OpenBff.DefaultLogoutEndpoint>();
        services.TryAddSingleton<OpenBff.ISilentLoginEndpoint, OpenBff.DefaultSilentLoginEndpoint>();
        services.TryAddSingleton<OpenBff.ISilentLoginCallbackEndpoint, OpenBff.DefaultSilentLoginCallbackEndpoint>();
        services.TryAddSingleton<OpenBff.IBackchannelLogoutEndpoint, OpenBff.DefaultBackchannelLogoutEndpoint>();
        services.TryAddSingleton<OpenBff.IDiagnosticsEndpoint, OpenBff.DefaultDiagnosticsEndpoint>();
        OpenBff.Health.BffOperationsServices.Add(services); // metrics, readiness checks, discovery warm-up, diagnostics

        // The YARP integration: a proxied route's Bff.* metadata (token type, anti-forgery) applies
        // whether or not AddRemoteApis() is called. Without it, UseBff() checked X-CSRF on YARP
        // routes but the forwarded request carried no token: a route marked User reached its API
        // anonymously, and the README's few lines did exactly that.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransformProvider, BffTransformProvider>());

        // Server-side sessions are the default, without a second call (AddServerSideSessions() stays, and is harmless).
        return new BffBuilder(services).AddServerSideSessions();
    }

    /// <summary>Marks a service collection <c>AddBff()</c> already filled.</summary>
    private sealed class BffMarker
    {
    }
}
