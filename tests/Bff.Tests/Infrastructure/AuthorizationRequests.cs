using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Infrastructure;

/// <summary>The parameters of the authorization request behind a redirect to the IdP, pushed (PAR) or in the query.</summary>
public static class AuthorizationRequests
{
    public static IReadOnlyDictionary<string, string> Parameters(TestIdp idp, BrowserResponse redirectToIdp)
    {
        var query = QueryHelpers.ParseQuery(redirectToIdp.Location!.Query).ToDictionary(q => q.Key, q => q.Value.ToString());
        if (!query.TryGetValue("request_uri", out _))
        {
            return query;
        }

        // RFC 9126: the browser carries only client_id and request_uri; the request was pushed first.
        var pushed = idp.Recorder.To("/connect/par").Last(r => r.Field("client_id") == query["client_id"]);
        return pushed.Form;
    }
}
