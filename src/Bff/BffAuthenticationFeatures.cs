using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace OpenBff;

/// <summary>
/// The result of the default scheme's authentication, as <see cref="BffAuthenticationMiddleware"/>
/// exposes it to later middleware (authorization reads <see cref="IAuthenticateResultFeature"/>
/// instead of authenticating again). Like ASP.NET Core's own (internal) class: setting
/// <see cref="User"/> drops the result, which no longer describes that user.
/// </summary>
internal sealed class BffAuthenticationFeatures : IAuthenticateResultFeature, IHttpAuthenticationFeature
{
    private AuthenticateResult? _result;
    private ClaimsPrincipal? _user;

    public BffAuthenticationFeatures(AuthenticateResult result)
    {
        AuthenticateResult = result;
    }

    public AuthenticateResult? AuthenticateResult
    {
        get => _result;
        set
        {
            _result = value;
            _user = value?.Principal;
        }
    }

    public ClaimsPrincipal? User
    {
        get => _user;
        set
        {
            _user = value;
            _result = null;
        }
    }
}
