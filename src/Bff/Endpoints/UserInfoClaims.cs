using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace OpenBff.Endpoints;

/// <summary>
/// Adds the provider's userinfo claims to a new session (OIDC Core §5.3), without ever failing the
/// login because of userinfo: a provider that refuses the access token there (401/403, as when its
/// audience is an API) or cannot answer leaves the ID token's claims, with one warning that says why.
/// A userinfo answer about another subject than the ID token's still fails the login (§5.3.2).
/// Claims are mapped by the handler's own <see cref="OpenIdConnectOptions.ClaimActions"/>, as ASP.NET
/// Core does with its own userinfo call.
/// </summary>
internal sealed class UserInfoClaims
{
    private readonly ILogger<UserInfoClaims> _logger;

    public UserInfoClaims(ILogger<UserInfoClaims> logger) => _logger = logger;

    public async Task AddAsync(TokenValidatedContext context)
    {
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        var identity = context.Principal?.Identity as ClaimsIdentity;
        if (string.IsNullOrEmpty(accessToken) || identity is null)
        {
            return;
        }

        var options = context.Options;
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        if (string.IsNullOrEmpty(configuration.UserInfoEndpoint))
        {
            return; // the provider has none: the ID token's claims are all there is
        }

        using var document = await ReadAsync(options.Backchannel, configuration.UserInfoEndpoint, accessToken, context.HttpContext.RequestAborted);
        if (document is null)
        {
            return;
        }

        var root = document.RootElement;
        var sub = root.TryGetProperty("sub", out var subject) && subject.ValueKind == JsonValueKind.String ? subject.GetString() : null;
        if (!string.Equals(sub, identity.FindFirst("sub")?.Value, StringComparison.Ordinal))
        {
            context.Fail("The userinfo endpoint answered for another subject than the ID token's (OIDC Core 5.3.2).");
            return;
        }

        foreach (var action in options.ClaimActions)
        {
            action.Run(root, identity, options.ClaimsIssuer ?? configuration.Issuer);
        }
    }

    /// <summary>The userinfo answer as JSON, or null (with the warning logged) when there is none to use.</summary>
    private async Task<JsonDocument?> ReadAsync(HttpClient backchannel, string endpoint, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jwt"));
        HttpResponseMessage response;
        try
        {
            response = await backchannel.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            BffLog.UserInfoUnavailable(_logger, ex is TaskCanceledException ? "timeout" : "unreachable");
            return null;
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                BffLog.UserInfoRefused(_logger, (int)response.StatusCode, BearerError(response));
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                BffLog.UserInfoUnavailable(_logger, $"status {(int)response.StatusCode}");
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                // A signed userinfo answer (application/jwt) came straight from the provider over the
                // back channel, as the JSON one does; ASP.NET Core reads its payload the same way.
                var json = string.Equals(response.Content.Headers.ContentType?.MediaType, "application/jwt", StringComparison.OrdinalIgnoreCase)
                    ? JwtPayload(body)
                    : body;
                var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document;
                }

                document.Dispose();
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or Microsoft.IdentityModel.Tokens.SecurityTokenMalformedException)
            {
            }

            BffLog.UserInfoUnavailable(_logger, "the answer is not a JSON object or a readable JWT");
            return null;
        }
    }

    private static string JwtPayload(string jwt)
    {
        var token = new JsonWebToken(jwt.Trim());
        if (token.IsEncrypted)
        {
            throw new ArgumentException("encrypted userinfo answers are not supported");
        }

        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.EncodedPayload);
    }

    /// <summary>The <c>error</c> of the <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 §3), for the log.</summary>
    private static string BearerError(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            var parameter = challenge.Parameter ?? string.Empty;
            var start = parameter.IndexOf("error=\"", StringComparison.Ordinal);
            if (start >= 0)
            {
                start += "error=\"".Length;
                var end = parameter.IndexOf('"', start);
                if (end > start)
                {
                    return ", " + BffLog.Sanitize(parameter[start..end], 64);
                }
            }
        }

        return string.Empty;
    }
}
