using OpenBff;
using Microsoft.Extensions.Options;

namespace Bff.Sample;

/// <summary>
/// Where <c>/bff/login?returnUrl=</c> and <c>/bff/logout?returnUrl=</c> may send the user: local paths
/// (the default validator, the base class) plus any page of the SPA's origin (<c>Sample:SpaOrigin</c>).
/// The origin is compared parsed (scheme, host, port), never as a string prefix:
/// <c>https://spa.example.com.evil.example</c> starts with <c>https://spa.example.com</c>.
/// </summary>
internal sealed class SpaReturnUrlValidator(IOptions<SampleOptions> options) : LocalReturnUrlValidator
{
    private readonly Uri? _spa = options.Value.SpaOrigin is { } origin ? new Uri(origin, UriKind.Absolute) : null;

    public override async Task<bool> IsValidAsync(string returnUrl) =>
        await base.IsValidAsync(returnUrl) || IsSpaPage(returnUrl);

    /// <summary>True for an origin alone: http(s), no user info, path, query or fragment.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    private bool IsSpaPage(string returnUrl) =>
        _spa is not null
        && Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri)
        && string.IsNullOrEmpty(uri.UserInfo)
        && Uri.Compare(uri, _spa, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
