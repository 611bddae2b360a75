namespace OpenBff;

/// <summary>
/// Every key the BFF puts in <c>HttpContext.Items</c> or in <c>AuthenticationProperties.Items</c>,
/// in one place: what sets each and what reads it.
/// </summary>
internal static class BffItems
{
    /// <summary>
    /// <c>HttpContext.Items</c>: the ID token of a session /bff/logout just ended, for the
    /// end-session redirect's <c>id_token_hint</c> (set by the logout endpoint, read by the
    /// OpenID Connect handler's redirect-to-provider-for-sign-out event).
    /// </summary>
    public const string IdTokenHint = "Bff.IdTokenHint";

    /// <summary>
    /// <c>HttpContext.Items</c>: the cookie handler slides the session in this request (set by its
    /// validate event, read by /bff/user to report the slid expiry).
    /// </summary>
    public const string SessionRenewed = "Bff.SessionRenewed";

    /// <summary>
    /// <c>AuthenticationProperties.Items</c> of a login: the session key the browser held when the
    /// login started, ended when the login completes (set at /bff/login, read at the callback).
    /// </summary>
    public const string PreviousSession = ".bff.previous_session";

    /// <summary>
    /// <c>AuthenticationProperties.Items</c> of a login: a silent (<c>prompt=none</c>) login, which
    /// ends on the silent-login callback page whether it succeeds or fails.
    /// </summary>
    public const string SilentLogin = ".bff.silent";
}
