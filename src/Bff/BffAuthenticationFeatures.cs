using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace OpenBff;

/// <summary>
/// The request's path before authentication (<see cref="IAuthenticationFeature"/>) and the result of
/// the default scheme's authentication, as <see cref="BffAuthenticationMiddleware"/> exposes them to
/// later middleware (authorization reads <see cref="IAuthenticateResultFeature"/> instead of
/// authenticating again): one object per request where ASP.NET Core's middleware makes two, and a
/// third for the user. Like ASP.NET Core's own (internal) class: setting <see cref="User"/> drops
/// the result, which no longer describes that user.
/// </summary>
internal sealed class BffAuthenticationFeatures : IAuthenticationFeature, IAuthenticateResultFeature, IHttpAuthenticationFeature
{
    private AuthenticateResult? _result;
    private ClaimsPrincipal? _user;

    public BffAuthenticationFeatures(PathString originalPath, PathString originalPathBase)
    {
        OriginalPath = originalPath;
        OriginalPathBase = originalPathBase;
    }

    /// <summary>
    /// The default scheme is the BFF's cookie scheme and its answer for this request was that there is
    /// nothing to authenticate (no session cookie): asking the cookie scheme again within the request
    /// answers the same (the handler keeps its result per request), so <see cref="Sessions.BffSession"/> does not.
    /// </summary>
    public bool NoSession { get; set; }

    public PathString OriginalPath { get; set; }

    public PathString OriginalPathBase { get; set; }

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
