using OpenIddict.Server;

namespace Bff.DevIdp;

/// <summary>
/// The issuer exactly as OpenIddict writes it in the tokens it issues: <c>Idp:Issuer</c> when set, else the base
/// URL of the request with a trailing slash (<c>http://127.0.0.1:5101/</c>). For tokens the IdP creates itself
/// (logout tokens), also outside the OpenIddict endpoints.
/// </summary>
internal static class IdpIssuer
{
    public static string Of(HttpContext context, OpenIddictServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Issuer is { } issuer)
        {
            return issuer.AbsoluteUri;
        }

        var request = context.Request;
        var baseUri = request.Scheme + Uri.SchemeDelimiter + request.Host + request.PathBase;
        return new Uri(baseUri.EndsWith('/') ? baseUri : baseUri + "/", UriKind.Absolute).AbsoluteUri;
    }
}
