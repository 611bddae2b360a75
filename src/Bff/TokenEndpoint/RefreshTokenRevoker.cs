using OpenBff.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace OpenBff.TokenEndpoint;

/// <summary>Revokes a session's refresh token at the provider (RFC 7009); never stops a logout.</summary>
internal sealed class RefreshTokenRevoker
{
    private readonly TokenEndpointClient _tokenClient;
    private readonly ILogger<RefreshTokenRevoker> _logger;

    public RefreshTokenRevoker(TokenEndpointClient tokenClient, ILogger<RefreshTokenRevoker> logger)
    {
        _tokenClient = tokenClient;
        _logger = logger;
    }

    public async Task RevokeAsync(AuthenticationProperties properties, CancellationToken cancellationToken)
    {
        var refreshToken = properties.GetTokenValue(TokenNames.RefreshToken);
        if (string.IsNullOrEmpty(refreshToken))
        {
            return;
        }

        var (revoked, reason) = await _tokenClient.RevokeAsync(refreshToken, "refresh_token", cancellationToken);
        if (revoked)
        {
            BffLog.RefreshTokenRevoked(_logger);
        }
        else if (reason is null)
        {
            BffLog.NoRevocationEndpoint(_logger);
        }
        else
        {
            BffLog.RefreshTokenRevocationFailed(_logger, reason);
        }
    }
}
