using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/silent-login</c>: a <c>prompt=none</c> login for a hidden iframe. The provider
/// answers without any page; the flow ends on <c>/bff/silent-login-callback</c>, which posts
/// <c>{ source: "bff-silent-login", isLoggedIn }</c> to the parent window of the same origin only.
/// </summary>
internal sealed class SilentLoginEndpoint
{
    /// <summary>Marks the authentication properties of a silent login, so a failure ends on the callback page.</summary>
    public const string SilentItem = ".bff.silent";

    private readonly IOptions<BffOptions> _options;

    private readonly LoginThrottle _throttle;

    public SilentLoginEndpoint(IOptions<BffOptions> options, LoginThrottle throttle)
    {
        _options = options;
        _throttle = throttle;
    }

    /// <summary>Where a silent login ends, whether it succeeded or not.</summary>
    public static string CallbackPath(BffOptions options) => options.ManagementBasePath + "/silent-login-callback";

    /// <summary>Makes <paramref name="properties"/> a silent login: <c>prompt=none</c>, ending on the callback page, marked so a failure ends there too.</summary>
    public static void MakeSilent(OpenIdConnectChallengeProperties properties, BffOptions options)
    {
        properties.RedirectUri = CallbackPath(options);
        properties.Prompt = "none";
        properties.Items[SilentItem] = "1";
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!await _throttle.TryStartAsync(context))
        {
            return;
        }

        var properties = new OpenIdConnectChallengeProperties();
        MakeSilent(properties, _options.Value);
        await Sessions.PreviousSessionEnder.RememberAsync(context, properties);
        await context.ChallengeAsync(BffDefaults.OidcScheme, properties);
    }

    public static bool IsSilent(AuthenticationProperties? properties) =>
        properties?.Items.ContainsKey(SilentItem) == true;
}
