using System.Text;

namespace Bff.DevIdp;

/// <summary>The sign-in form (ids used by the end-to-end tests: login-form, username, password, login-button, login-error).</summary>
internal static class LoginPage
{
    public static IResult Render(
        string returnUrl, string antiforgeryFieldName, string? antiforgeryToken, IdpOptions options, string? username, bool failed)
    {
        var body = new StringBuilder();
        body.Append("<h2>Sign in</h2>\n");
        if (failed)
        {
            body.Append("<p id=\"login-error\">Invalid username or password</p>\n");
        }

        body.Append("<form id=\"login-form\" method=\"post\" action=\"/account/login\">\n")
            .Append("<label for=\"username\">Username</label>\n")
            .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" autofocus value=\"")
            .Append(HtmlPage.Encode(username)).Append("\">\n")
            .Append("<label for=\"password\">Password</label>\n")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\n")
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(HtmlPage.Encode(returnUrl)).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"").Append(HtmlPage.Encode(antiforgeryFieldName))
            .Append("\" value=\"").Append(HtmlPage.Encode(antiforgeryToken)).Append("\">\n")
            .Append("<button id=\"login-button\" type=\"submit\">Sign in</button>\n")
            .Append("</form>\n");

        body.Append("<div class=\"hint\"><p>Development identity provider: do not use in production.</p>")
            .Append("<p>Demo accounts (username / password):</p><ul id=\"demo-users\">");
        foreach (var user in options.Users)
        {
            body.Append("<li><code>").Append(HtmlPage.Encode(user.Username)).Append("</code> / <code>")
                .Append(HtmlPage.Encode(user.Password)).Append("</code>");
            if (!string.IsNullOrEmpty(user.Name))
            {
                body.Append(" (").Append(HtmlPage.Encode(user.Name)).Append(')');
            }

            body.Append("</li>");
        }

        body.Append("</ul></div>\n");
        return HtmlPage.Render("Sign in", body.ToString());
    }
}
