namespace Bff.DevIdp;

/// <summary>The IdP's own login session (a cookie), separate from the OpenIddict server scheme.</summary>
internal static class IdpAuthentication
{
    public const string CookieScheme = "DevIdp.Session";
    public const string CookieName = "idp.session";
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>A return URL is accepted only when local: starts with '/' but not with '//' or '/\'.</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
