namespace Bff.DevIdp;

/// <summary>Custom scopes and resources of the development IdP.</summary>
internal static class IdpScopes
{
    /// <summary>Scope granting an access token for the sample API.</summary>
    public const string Api = "api";

    /// <summary>Resource (JWT <c>aud</c>) of access tokens carrying the <see cref="Api"/> scope.</summary>
    public const string ApiResource = "sample-api";

    /// <summary>Session id claim of the IdP login session, copied into identity tokens.</summary>
    public const string SessionIdClaim = "sid";
}
