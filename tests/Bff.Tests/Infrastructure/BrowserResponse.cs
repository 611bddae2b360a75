using System.Net;
using System.Net.Http.Headers;

namespace Bff.Tests.Infrastructure;

/// <summary>One answer the test browser received, fully read.</summary>
public sealed record BrowserResponse(Uri RequestUri, HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, string Body)
{
    public Uri? Location => Headers.Location is null ? null : Headers.Location.IsAbsoluteUri ? Headers.Location : new Uri(RequestUri, Headers.Location);

    public bool IsRedirect => (int)Status is >= 300 and < 400;

    /// <summary>The <c>Cookie</c> header the browser sent with the request (empty when none).</summary>
    public string SentCookies { get; init; } = string.Empty;

    /// <summary>
    /// Whether the request was cross-site: a navigation whose initiator or an earlier hop of its
    /// redirect chain is another site than <see cref="RequestUri"/>'s.
    /// </summary>
    public bool CrossSite { get; init; }

    public IEnumerable<string> SetCookies => Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;

    /// <summary>Everything a browser script or the user could see of this answer.</summary>
    public string Visible => $"{Headers}\n{ContentHeaders}\n{Body}";
}
