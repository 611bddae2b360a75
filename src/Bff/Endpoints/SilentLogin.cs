using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace OpenBff.Endpoints;

/// <summary>What makes a login silent, for /bff/silent-login, /bff/login?prompt=none and the failure path.</summary>
internal static class SilentLogin
{
    /// <summary>Where a silent login ends, whether it succeeded or not.</summary>
    public static string CallbackPath(BffOptions options) => options.ManagementBasePath + "/silent-login-callback";

    /// <summary>Makes <paramref name="properties"/> a silent login: <c>prompt=none</c>, ending on the callback page, marked so a failure ends there too.</summary>
    public static void MakeSilent(OpenIdConnectChallengeProperties properties, BffOptions options)
    {
        properties.RedirectUri = CallbackPath(options);
        properties.Prompt = "none";
        properties.Items[BffItems.SilentLogin] = "1";
    }

    public static bool IsSilent(AuthenticationProperties? properties) =>
        properties?.Items.ContainsKey(BffItems.SilentLogin) == true;
}
