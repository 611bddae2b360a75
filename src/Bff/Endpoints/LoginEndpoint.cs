using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Bff.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/login?returnUrl=/path[&amp;prompt=login]</c>: starts the authorization code flow (PKCE,
/// state, nonce); <c>prompt</c> is passed to the provider.
/// </summary>
internal sealed class LoginEndpoint
{
    private static readonly HashSet<string?> AllowedPrompts = new(StringComparer.Ordinal) { "none", "login", "consent", "select_account", "create" };

    private readonly LoginThrottle _throttle;
    private readonly Sessions.IUserSessionStore _store;
    private readonly Sessions.SessionStoreOutage _storeOutage;
    private readonly IReturnUrlValidator _returnUrls;
    private readonly Microsoft.Extensions.Options.IOptions<BffOptions> _options;
    private readonly ILogger<LoginEndpoint> _logger;

    public LoginEndpoint(LoginThrottle throttle, Sessions.IUserSessionStore store, Sessions.SessionStoreOutage storeOutage, IReturnUrlValidator returnUrls, Microsoft.Extensions.Options.IOptions<BffOptions> options, ILogger<LoginEndpoint> logger)
    {
        _options = options;
        _returnUrls = returnUrls;
        _storeOutage = storeOutage;
        _throttle = throttle;
        _store = store;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (_store is Sessions.IReportsAvailability { IsAvailable: false } || _storeOutage.RefusesWrites)
        {
            // Before the user types a password: the session could not be stored after it.
            throw new Sessions.SessionStoreUnavailableException("The session store is not available; the login cannot complete.");
        }

        if (!await _throttle.TryStartAsync(context))
        {
            return;
        }

        var returnUrl = context.Request.Query["returnUrl"];
        if (!await ReturnUrl.IsAcceptedAsync(returnUrl, _returnUrls))
        {
            BffLog.LoginReturnUrlRejected(_logger);
            await BadRequest.WriteAsync(context, "The returnUrl must be a local path, such as /orders.", "returnUrl");
            return;
        }

        var prompt = context.Request.Query["prompt"];
        if (prompt.Count > 1 || (prompt.Count == 1 && !AllowedPrompts.Contains(prompt[0])))
        {
            await BadRequest.WriteAsync(context, "prompt must be one of: none, login, consent, select_account, create.", "prompt");
            return;
        }

        var properties = new OpenIdConnectChallengeProperties { RedirectUri = returnUrl.Count == 1 ? ReturnUrl.ForLocation(returnUrl[0]!) : "/" };
        if (prompt.Count == 1)
        {
            properties.Prompt = prompt[0];
        }

        if (properties.Prompt == "none")
        {
            // As Duende.BFF v4: a prompt=none login is a silent login, in a hidden iframe; it ends
            // on the callback page that posts the result to the parent window, whatever returnUrl says.
            SilentLoginEndpoint.MakeSilent(properties, _options.Value);
        }

        await Sessions.PreviousSessionEnder.RememberAsync(context, properties);
        BffLog.LoginStarted(_logger);
        try
        {
            await context.ChallengeAsync(BffDefaults.OidcScheme, properties);
        }
        catch (ProviderRefusedException ex) when (!context.Response.HasStarted)
        {
            BffLog.LoginRefusedByProvider(_logger, ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"The identity provider refused the login request ({ex.Error}). Check that this BFF's redirect URI (its origin + Bff:Oidc:CallbackPath) and its authorization parameters are registered for this client at the provider; the BFF's log has the provider's description.",
                context.RequestAborted);
        }
        catch (Exception ex) when (ex is ProviderUnavailableException or InvalidOperationException or HttpRequestException && !context.Response.HasStarted)
        {
            // Discovery document or PAR endpoint unreachable: say so, never a 500.
            BffLog.LoginProviderUnavailable(_logger, ex.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("The identity provider cannot be reached right now. Please try again in a moment.", context.RequestAborted);
        }
    }
}
