using OpenBff.TokenEndpoint;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenBff.Endpoints;

/// <summary>
/// Sends the browser to the provider, for /bff/login and /bff/silent-login alike: a provider that
/// refuses the (pushed) authorization request, or cannot be reached, is a 502 that says which,
/// never a 500.
/// </summary>
internal static class LoginChallenge
{
    /// <summary>
    /// Refuses a login start (503 with <c>Retry-After</c>, through <see cref="Sessions.SessionStoreOutage"/>)
    /// while the session store could not keep the session it would create: before the user types a
    /// password, or an iframe's silent login makes a round trip to the provider for nothing.
    /// </summary>
    public static void EnsureSessionCanBeStored(Sessions.IUserSessionStore store, Sessions.SessionStoreOutage outage)
    {
        if (store is Sessions.IReportsAvailability { IsAvailable: false } || outage.RefusesWrites)
        {
            throw new Sessions.SessionStoreUnavailableException("The session store is not available; the login cannot complete.");
        }
    }

    public static async Task ChallengeAsync(HttpContext context, OpenIdConnectChallengeProperties properties, ILogger logger, CancellationToken cancellationToken)
    {
        await Sessions.PreviousSessionEnder.RememberAsync(context, properties);
        BffLog.LoginStarted(logger);
        try
        {
            await context.ChallengeAsync(BffDefaults.OidcScheme, properties);
        }
        catch (ProviderRefusedException ex) when (!context.Response.HasStarted)
        {
            BffLog.LoginRefusedByProvider(logger, ex.Message);
            await WriteBadGatewayAsync(
                context,
                $"The identity provider refused the login request ({ex.Error}). Check that this BFF's redirect URI (its origin + Bff:Oidc:CallbackPath) and its authorization parameters are registered for this client at the provider; the BFF's log has the provider's description.",
                cancellationToken);
        }
        catch (Exception ex) when (ex is ProviderUnavailableException or InvalidOperationException or HttpRequestException && !context.Response.HasStarted)
        {
            // Discovery document or PAR endpoint unreachable: say so, never a 500.
            BffLog.LoginProviderUnavailable(logger, ex.GetType().Name);
            await WriteBadGatewayAsync(context, "The identity provider cannot be reached right now. Please try again in a moment.", cancellationToken);
        }
    }

    private static Task WriteBadGatewayAsync(HttpContext context, string message, CancellationToken cancellationToken)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, cancellationToken);
    }
}
