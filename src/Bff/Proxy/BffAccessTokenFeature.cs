using OpenBff.SessionCache;
using OpenBff.Tokens;

namespace OpenBff.Proxy;

/// <summary>The access token the BFF middleware resolved for the request, for the forwarder's transform to attach.</summary>
internal sealed class BffAccessTokenFeature
{
    private readonly string? _accessToken;
    private readonly SharedToken? _shared;

    public BffAccessTokenFeature(in AccessTokenResult token)
    {
        (_accessToken, _shared) = (token.Shared is null ? token.AccessToken : null, token.Shared);
    }

    /// <summary>The token; for a session's cached token, made from its header value when first read.</summary>
    public string AccessToken => _accessToken ?? _shared!.AccessToken;

    /// <summary><c>Bearer {token}</c> when already made (a session's cached token); null: made or looked up when attached.</summary>
    public string? HeaderValue => _shared?.HeaderValue;
}
