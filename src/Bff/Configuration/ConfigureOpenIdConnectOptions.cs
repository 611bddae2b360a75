using System.Security.Cryptography;
using Bff.Endpoints;
using Bff.Sessions;
using Bff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bff.Configuration;

/// <summary>
/// The OpenID Connect client: authorization code flow with PKCE (S256), <c>state</c> and
/// <c>nonce</c>, <c>response_mode=query</c>, confidential client, tokens saved in the server-side
/// session only. Correlation and nonce cookies are <c>Secure</c> and <c>SameSite=None</c> so they
/// survive the provider's redirect in every browser.
/// </summary>
internal sealed class ConfigureOpenIdConnectOptions : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>The correlation cookie's name before the handler's per-login suffix.</summary>
    public const string CorrelationCookiePrefix = "__Host-bff.correlation.";

    /// <summary>The nonce cookie's name before the handler's per-login suffix.</summary>
    public const string NonceCookiePrefix = "__Host-bff.nonce.";

    private readonly IOptions<BffOptions> _bff;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigureOpenIdConnectOptions> _logger;
    private readonly BffDataProtection _dataProtection;

    public ConfigureOpenIdConnectOptions(
        IOptions<BffOptions> bff,
        TimeProvider time,
        BffDataProtection dataProtection,
        ILogger<ConfigureOpenIdConnectOptions> logger)
    {
        _dataProtection = dataProtection;
        _bff = bff;
        _time = time;
        _logger = logger;
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
        options.Events.OnRemoteSignOut = context => context.HttpContext.RequestServices.GetRequiredService<Logout.FrontChannelLogout>().HandleAsync(context);

        options.PushedAuthorizationBehavior = oidc.PushedAuthorization switch
        {
            ProviderFeatureMode.Always => PushedAuthorizationBehavior.Require,
            ProviderFeatureMode.Never => PushedAuthorizationBehavior.Disable,
            _ => PushedAuthorizationBehavior.UseIfAvailable,
        };

        options.Events.OnRedirectToIdentityProvider = AddAuthorizationParameters;
        options.Events.OnMessageReceived = ValidateIssuerParameterAsync;
        if (oidc.GetClaimsFromUserInfoEndpoint)
        {
            options.Events.OnTokenValidated = context => context.HttpContext.RequestServices.GetRequiredService<UserInfoClaims>().AddAsync(context);
        }

        options.Events.OnPushAuthorization = PushAuthorizationAsync;
        options.Events.OnAuthorizationCodeReceived = RedeemCodeAsync;
        options.Events.OnTicketReceived = async context =>
        {
            var properties = context.Properties!;
            var services = context.HttpContext.RequestServices;
            await services.GetRequiredService<PreviousSessionEnder>().EndAsync(context.HttpContext, properties);
            await services.GetRequiredService<SessionLimit>().MakeRoomAsync(context.Principal?.FindFirst("sub")?.Value, context.HttpContext.RequestAborted);
            properties.SetCreated(_time.GetUtcNow());
            if (properties.GetTokenValue(TokenNames.ExpiresAt) is null
                && properties.GetTokenValue(TokenNames.AccessToken) is { } accessToken
                && TokenExpiry.Of(accessToken, expiresIn: null, _time.GetUtcNow()) is { } expiresAt)
            {
                // No expires_in in the token response: a JWT access token's own exp says when to refresh.
                var tokens = properties.GetTokens().ToList();
                tokens.Add(new AuthenticationToken { Name = TokenNames.ExpiresAt, Value = expiresAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture) });
                properties.StoreTokens(tokens);
            }

            if (context.Principal?.FindFirst("sid") is null)
            {
                properties.Items[SessionProperties.LocalSessionId] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            }

            BffLog.LoginCompleted(_logger, context.Principal?.FindFirst("sub")?.Value);
            Diagnostics.BffInstruments.Of(context.HttpContext).LoginSucceeded();
        };
        options.Events.OnRemoteFailure = async context =>
        {
            BffLog.LoginCallbackFailed(_logger, BffLog.Sanitize(context.Failure?.Message));
            Diagnostics.BffInstruments.Of(context.HttpContext).LoginFailed();
            context.HandleResponse();
            await FailAsync(context.HttpContext, context.Properties);
        };
        options.Events.OnAccessDenied = async context =>
        {
            BffLog.LoginCallbackFailed(_logger, "the user or the provider denied access");
            Diagnostics.BffInstruments.Of(context.HttpContext).LoginFailed();
            context.HandleResponse();
            await FailAsync(context.HttpContext, context.Properties);
        };
        options.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            if (string.IsNullOrEmpty(context.ProtocolMessage.IdTokenHint)
                && context.HttpContext.Items[BffItems.IdTokenHint] is string idToken)
            {
                context.ProtocolMessage.IdTokenHint = idToken;
            }

            if (!string.IsNullOrEmpty(_bff.Value.Oidc.EndSessionEndpoint))
            {
                context.ProtocolMessage.IssuerAddress = _bff.Value.Oidc.EndSessionEndpoint; // the provider does not advertise it, or advertises another
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// <c>Bff:Oidc:AuthorizationParameters</c> and the RFC 8707 <c>resource</c>s of
    /// <c>Bff:Oidc:Resources</c>, on the authorization request (and so on a pushed one). The
    /// handler's message holds one value per name: the first resource travels in it, the others are
    /// appended to the redirect, or added to the pushed request by <see cref="PushAuthorizationAsync"/>.
    /// </summary>
    private Task AddAuthorizationParameters(RedirectContext context)
    {
        LoginThrottle.NameCorrelationAfterNonce(context); // the next login start can tell the pending logins' ages
        var oidc = _bff.Value.Oidc;
        foreach (var (name, value) in oidc.AuthorizationParameters)
        {
            context.ProtocolMessage.SetParameter(name, value);
        }

        if (oidc.Resources.Count > 0)
        {
            context.ProtocolMessage.Resource = oidc.Resources[0];
        }

        if (oidc.Resources.Count > 1)
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                // A pushed request's redirect carries only client_id and request_uri: its resources were pushed.
                if (response.Headers.Location.ToString() is { Length: > 0 } location && !location.Contains("request_uri=", StringComparison.Ordinal))
                {
                    response.Headers.Location = location + string.Concat(oidc.Resources.Skip(1).Select(r => "&resource=" + Uri.EscapeDataString(r)));
                }

                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// RFC 9207: the authorization response names its issuer, which must be the provider we sent
    /// the user to; a response from another issuer (an IdP mix-up attack) fails the login.
    /// </summary>
    private async Task ValidateIssuerParameterAsync(MessageReceivedContext context)
    {
        var mode = _bff.Value.Oidc.IssuerParameter;
        if (mode == ProviderFeatureMode.Never || context.ProtocolMessage is null)
        {
            return;
        }

        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        var iss = context.ProtocolMessage.Iss;
        var required = mode == ProviderFeatureMode.Always || configuration.AuthorizationResponseIssParameterSupported;
        if (string.IsNullOrEmpty(iss))
        {
            if (required)
            {
                context.Fail("The authorization response has no iss parameter (RFC 9207).");
            }

            return;
        }

        if (!string.Equals(iss, configuration.Issuer, StringComparison.Ordinal))
        {
            context.Fail("The authorization response comes from another issuer (RFC 9207).");
        }
    }

    /// <summary>A failed silent login ends on its callback page (which reports "not logged in"); any other on the error page.</summary>
    private Task FailAsync(HttpContext context, Microsoft.AspNetCore.Authentication.AuthenticationProperties? properties)
    {
        if (SilentLogin.IsSilent(properties))
        {
            context.Response.Redirect(SilentLogin.CallbackPath(_bff.Value));
            return Task.CompletedTask;
        }

        return LoginErrorPage.WriteAsync(context, "/");
    }

    /// <summary>
    /// Sends the pushed authorization request through <see cref="TokenEndpointClient"/>, so it uses the
    /// one configured client authentication method (the handler alone knows only the client secret).
    /// </summary>
    private async Task PushAuthorizationAsync(PushedAuthorizationContext context)
    {
        var tokenClient = context.HttpContext.RequestServices.GetRequiredService<TokenEndpointClient>();
        var resources = _bff.Value.Oidc.Resources;
        var requestUri = await tokenClient.PushAuthorizationAsync(context.ProtocolMessage, resources.Skip(1), context.HttpContext.RequestAborted);
        context.HandlePush(requestUri);
    }

    /// <summary>
    /// Redeems the code through <see cref="TokenEndpointClient"/>, so every token request uses the
    /// one configured client authentication method.
    /// </summary>
    private async Task RedeemCodeAsync(AuthorizationCodeReceivedContext context)
    {
        if (context.TokenEndpointRequest is null)
        {
            return;
        }

        // Resolved per use: the token client itself depends on these options.
        var tokenClient = context.HttpContext.RequestServices.GetRequiredService<TokenEndpointClient>();
        if (_bff.Value.Oidc.Resources is [var resource, ..])
        {
            context.TokenEndpointRequest.Resource = resource; // the session's main access token is for the first resource
        }

        var response = await tokenClient.RedeemCodeAsync(context.TokenEndpointRequest, context.HttpContext.RequestAborted);
        if (response.Outcome != TokenResponseOutcome.Success)
        {
            context.Fail($"The token endpoint did not redeem the code ({response.Error}).");
            return;
        }

        var message = new OpenIdConnectMessage
        {
            AccessToken = response.AccessToken,
            IdToken = response.IdToken,
            RefreshToken = response.RefreshToken,
            TokenType = response.TokenType,
        };
        if (response.ExpiresIn is { } expiresIn)
        {
            message.ExpiresIn = ((long)expiresIn.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.HandleCodeRedemption(message);
    }
}
