using System.Security.Cryptography;
using OpenBff.Core;
using OpenBff.Endpoints;
using OpenBff.Sessions;
using OpenBff.TokenEndpoint;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OpenBff.Authentication;

/// <summary>
/// What the OpenID Connect handler does beyond ASP.NET Core's defaults, for the BFF: the
/// authorization parameters and RFC 8707 resources, the RFC 9207 <c>iss</c> check, the pushed
/// request and the code redemption through the one token client (its client authentication),
/// userinfo that never fails a login, a completed login (the previous session ended, the user's
/// session limit, the created time, a local session id), the failure page (or the silent-login
/// callback), the end-session redirect and front-channel logout. The options configurator only
/// configures. Each behaviour is assigned to its <c>On…</c> delegate, so a host that wraps one
/// keeps the BFF's behaviour inside.
/// </summary>
internal sealed class BffOpenIdConnectEvents : OpenIdConnectEvents
{
    private readonly IOptions<BffOptions> _bff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BffOpenIdConnectEvents(IOptions<BffOptions> bff, TimeProvider time, ILoggerFactory loggers)
    {
        _bff = bff;
        _time = time;
        _logger = loggers.CreateLogger("OpenBff.Configuration.ConfigureOpenIdConnectOptions"); // the category the log lines always had
        OnRemoteSignOut = static context => context.HttpContext.RequestServices.GetRequiredService<Logout.FrontChannelLogout>().HandleAsync(context);
        OnRedirectToIdentityProvider = AddAuthorizationParameters;
        OnMessageReceived = ValidateIssuerParameterAsync;
        if (bff.Value.Oidc.GetClaimsFromUserInfoEndpoint)
        {
            OnTokenValidated = context => context.HttpContext.RequestServices.GetRequiredService<UserInfoClaims>().AddAsync(context);
        }

        OnPushAuthorization = PushAuthorizationAsync;
        OnAuthorizationCodeReceived = RedeemCodeAsync;
        OnTicketReceived = async context =>
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
        OnRemoteFailure = async context =>
        {
            BffLog.LoginCallbackFailed(_logger, BffLog.Sanitize(context.Failure?.Message));
            Diagnostics.BffInstruments.Of(context.HttpContext).LoginFailed();
            context.HandleResponse();
            await FailAsync(context.HttpContext, context.Properties);
        };
        OnAccessDenied = async context =>
        {
            BffLog.LoginCallbackFailed(_logger, "the user or the provider denied access");
            Diagnostics.BffInstruments.Of(context.HttpContext).LoginFailed();
            context.HandleResponse();
            await FailAsync(context.HttpContext, context.Properties);
        };
        OnRedirectToIdentityProviderForSignOut = context =>
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
