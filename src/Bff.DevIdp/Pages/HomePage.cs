using System.Text;

namespace Bff.DevIdp;

/// <summary>
/// Shows who is signed in at the IdP: <c>&lt;span id="idp-user"&gt;</c> holds the username, and is absent when
/// nobody is. When signed in, the form <c>idp-logout-form</c> with the button <c>idp-logout</c> signs out at the
/// IdP (<c>POST /account/logout</c>, antiforgery-protected), notifying the clients by back-channel logout.
/// </summary>
internal static class HomePage
{
    public static IResult Render(string? username, string antiforgeryFieldName, string? antiforgeryToken)
    {
        if (username is null)
        {
            return HtmlPage.Render("Home", "<p id=\"idp-status\">You are not signed in.</p>");
        }

        var body = new StringBuilder()
            .Append("<p id=\"idp-status\">Signed in as <span id=\"idp-user\">").Append(HtmlPage.Encode(username)).Append("</span>.</p>\n")
            .Append("<form id=\"idp-logout-form\" method=\"post\" action=\"").Append(IdpAuthentication.LogoutPath).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"").Append(HtmlPage.Encode(antiforgeryFieldName))
            .Append("\" value=\"").Append(HtmlPage.Encode(antiforgeryToken)).Append("\">\n")
            .Append("<button id=\"idp-logout\" type=\"submit\">Sign out</button>\n")
            .Append("</form>\n");
        return HtmlPage.Render("Home", body.ToString());
    }
}
