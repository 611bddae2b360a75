using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.DevIdp;

/// <summary>Registers the services of the development IdP.</summary>
internal static class DevIdpServices
{
    public static void AddDevIdp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // EF Core logs every SQL command at Information: too noisy for a dev IdP.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);

        services.AddOptions<IdpOptions>()
            .BindConfiguration(IdpOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<IdpOptions>, IdpOptionsDefaults>();
        services.AddSingleton<IValidateOptions<IdpOptions>, IdpOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<IdpKeyRing>();
        services.AddScoped<ClientSynchronizer>();

        // Back-channel logout: sessions recorded at code issuance, notified when the IdP session ends.
        services.AddScoped<ClientSessionStore>();
        services.AddScoped<BackChannelLogoutNotifier>();
        services.AddSingleton<LogoutTokenFactory>();
        services.AddSingleton<SentLogoutNotifications>();
        services.AddHttpClient(BackChannelLogoutNotifier.HttpClientName, client => client.Timeout = BackChannelLogoutNotifier.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddHostedService<IdpStartup>();

        services.AddDataProtection().SetApplicationName("Bff.DevIdp");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, DataProtectionKeysSetup>();

        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "idp.antiforgery";
            options.FormFieldName = "__RequestVerificationToken";
        });

        services.AddAuthentication(IdpAuthentication.CookieScheme)
            .AddCookie(IdpAuthentication.CookieScheme, options =>
            {
                options.Cookie.Name = IdpAuthentication.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.Path = "/";
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = IdpAuthentication.LoginPath;
                options.ReturnUrlParameter = IdpAuthentication.ReturnUrlParameter;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });

        services.AddDbContext<IdpDbContext>((provider, options) =>
        {
            options.UseSqlite(IdpDatabase.ConnectionString(provider.GetRequiredService<IOptions<IdpOptions>>().Value));
            options.UseOpenIddict();
        });

        services.AddOpenIddict()
            .AddCore(options =>
            {
                options.UseEntityFrameworkCore().UseDbContext<IdpDbContext>();
                options.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, LoopbackAwareApplicationManager>();
            })
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetPushedAuthorizationEndpointUris("connect/par");

                options.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .RequireProofKeyForCodeExchange();

                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, IdpScopes.Api);
                options.RegisterClaims(
                    Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.Email,
                    IdpScopes.SessionIdClaim, Claims.AuthenticationTime);

                // JWT access tokens signed with the persisted key, readable by the sample API through the JWKS.
                options.DisableAccessTokenEncryption();

                options.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler =>
                    handler.UseScopedHandler<ClientCredentialsHandler>());
                options.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler =>
                    handler.UseSingletonHandler<TokenExchangeHandler>());
                options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler =>
                    handler.UseSingletonHandler<BackChannelLogoutDiscoveryHandler>());

                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        // Lifetimes, reuse leeway, issuer and keys come from IdpOptions when the server options are built.
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerOptionsSetup>();
    }
}
