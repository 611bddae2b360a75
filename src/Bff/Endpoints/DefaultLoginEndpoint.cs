using OpenBff.Endpoints;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/login?returnUrl=/path[&amp;prompt=login]</c>: starts the authorization code flow (PKCE,
/// state, nonce); <c>prompt</c> is passed to the provider, and <c>prompt=none</c> is a silent
/// login. Refuses to start (503) while the session store cannot keep the session, rate-limits
/// starts per client (429), and checks <c>returnUrl</c> with the <see cref="IReturnUrlValidator"/> (400).
/// </summary>
public class DefaultLoginEndpoint : ILoginEndpoint
{
    private static readonly HashSet<string?> AllowedPrompts = new(StringComparer.Ordinal) { "none", "login", "consent", "select_account", "create" };

    private readonly LoginThrottle _throttle;
    private readonly Sessions.IUserSessionStore _store;
    private readonly Sessions.SessionStoreOutage _storeOutage;
    private readonly IReturnUrlValidator _returnUrls;
    private readonly IOptions<BffOptions> _options;
    private readonly ILogger _logger;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultLoginEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _throttle = services.GetRequiredService<LoginThrottle>();
        _store = services.GetRequiredService<Sessions.IUserSessionStore>();
        _storeOutage = services.GetRequiredService<Sessions.SessionStoreOutage>();
        _returnUrls = services.GetRequiredService<IReturnUrlValidator>();
        _options = services.GetRequiredService<IOptions<BffOptions>>();
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenBff.Endpoints.LoginEndpoint");
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        Endpoints.LoginChallenge.EnsureSessionCanBeStored(_store, _storeOutage);

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
            SilentLogin.MakeSilent(properties, _options.Value);
        }

        await LoginChallenge.ChallengeAsync(context, properties, _logger, cancellationToken);
    }
}
