using OpenBff.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OpenBff.Configuration;

/// <summary>
/// The OpenID Connect client: authorization code flow with PKCE (S256), <c>state</c> and
/// <c>nonce</c>, <c>response_mode=query</c>, confidential client, tokens saved in the server-side
/// session only. Correlation and nonce cookies are <c>Secure</c> and <c>SameSite=None</c> so they
/// survive the provider's redirect in every browser. Only configures: the behaviour is
/// <see cref="Authentication.BffOpenIdConnectEvents"/>.
/// </summary>
internal sealed class ConfigureOpenIdConnectOptions : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>The correlation cookie's name before the handler's per-login suffix.</summary>
    public const string CorrelationCookiePrefix = "__Host-bff.correlation.";

    /// <summary>The nonce cookie's name before the handler's per-login suffix.</summary>
    public const string NonceCookiePrefix = "__Host-bff.nonce.";

    private readonly IOptions<BffOptions> _bff;
    private readonly TimeProvider _time;
    private readonly BffDataProtection _dataProtection;
    private readonly Authentication.BffOpenIdConnectEvents _events;

    public ConfigureOpenIdConnectOptions(
        IOptions<BffOptions> bff,
        TimeProvider time,
        BffDataProtection dataProtection,
        Authentication.BffOpenIdConnectEvents events)
    {
        _dataProtection = dataProtection;
        _bff = bff;
        _time = time;
        _events = events;
    }

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != BffDefaults.OidcScheme)
        {
            return;
        }

        var oidc = _bff.Value.Oidc;
        options.DataProtectionProvider = _dataProtection.Provider; // state, nonce and correlation
        options.SignInScheme = BffDefaults.CookieScheme;
        options.SignOutScheme = BffDefaults.CookieScheme;
        options.Authority = oidc.Authority;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = oidc.ClientSecret;
        options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        options.CallbackPath = oidc.CallbackPath;
        options.SignedOutCallbackPath = oidc.SignedOutCallbackPath;
        options.BackchannelTimeout = oidc.BackchannelTimeout;
        options.TimeProvider = _time;

        options.DisableTelemetry = true; // no library name and version in requests to the provider
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.SaveTokens = true;
        options.MapInboundClaims = false;
        // The handler fails the whole login when userinfo refuses the access token (as providers
        // do when its audience is an API); UserInfoClaims asks userinfo itself and keeps the login.
        options.GetClaimsFromUserInfoEndpoint = false;
        // Protocol claims the handler's ClaimActions do not already drop, and the provider-internal
        // ids of OpenIddict (oi_au_id, oi_tkn_id...): not the user's, not for /bff/user.
        options.ClaimActions.DeleteClaims("s_hash", "sid_hash");
        options.ClaimActions.Add(new ClaimPrefixDeletion("oi_"));
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RoleClaimType = "role";
        options.Scope.Clear();
        foreach (var scope in oidc.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Scope.Add(scope);
        }

        // The provider redirects back cross-site: these cookies must be SameSite=None, hence Secure
        // (browsers treat http://localhost as secure, so local demos work too). __Host- names with
        // Path=/: only this origin, over https, can set them, so a sibling subdomain or another port
        // cannot plant an attacker's correlation and nonce cookies to log the victim in as the
        // attacker (login CSRF by cookie tossing).
        options.CorrelationCookie.Name = CorrelationCookiePrefix;
        options.CorrelationCookie.Path = "/";
        options.CorrelationCookie.SameSite = SameSiteMode.None;
        options.CorrelationCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
        options.CorrelationCookie.HttpOnly = true;
        options.NonceCookie.Name = NonceCookiePrefix;
        options.NonceCookie.Path = "/";
        options.NonceCookie.SameSite = SameSiteMode.None;
        options.NonceCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
        options.NonceCookie.HttpOnly = true;

        // Front-channel logout only when asked for, and then only for a request naming the session.
        options.RemoteSignOutPath = oidc.FrontChannelLogout ? "/signout-oidc" : default;
        options.PushedAuthorizationBehavior = oidc.PushedAuthorization switch
        {
            ProviderFeatureMode.Always => PushedAuthorizationBehavior.Require,
            ProviderFeatureMode.Never => PushedAuthorizationBehavior.Disable,
            _ => PushedAuthorizationBehavior.UseIfAvailable,
        };

        options.Events = _events; // the behaviour: Authentication/BffOpenIdConnectEvents
    }
}
