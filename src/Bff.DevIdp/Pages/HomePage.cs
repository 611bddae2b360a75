namespace Bff.DevIdp;

/// <summary>Shows who is signed in at the IdP: <c>&lt;span id="idp-user"&gt;</c> holds the username, and is absent when nobody is.</summary>
internal static class HomePage
{
    public static IResult Render(string? username) =>
        HtmlPage.Render(
            "Home",
            username is null
                ? "<p id=\"idp-status\">You are not signed in.</p>"
                : $"<p id=\"idp-status\">Signed in as <span id=\"idp-user\">{HtmlPage.Encode(username)}</span>.</p>" +
                  "<p><a href=\"/connect/endsession\">Sign out</a></p>");
}
