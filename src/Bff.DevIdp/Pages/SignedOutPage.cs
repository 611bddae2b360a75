namespace Bff.DevIdp;

/// <summary>Shown by the end-session endpoint when no post_logout_redirect_uri was given.</summary>
internal static class SignedOutPage
{
    public static IResult Render() =>
        HtmlPage.Render("Signed out", "<p id=\"signed-out\">You are signed out.</p>");
}
