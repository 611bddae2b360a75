using System.Text.Json;
using Bff.Configuration;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/user</c> (with <c>X-CSRF: 1</c>): the user's claims as <c>[{"type":..,"value":..}]</c>
/// plus <c>bff:logout_url</c> and <c>bff:session_expires_in</c>; 401 when anonymous.
/// <c>?slide=false</c> reads without extending the session.
/// </summary>
internal sealed class UserEndpoint
{
    public const string LogoutUrlClaim = "bff:logout_url";
    public const string SessionExpiresInClaim = "bff:session_expires_in";

    private readonly IOptions<BffOptions> _options;
    private readonly TimeProvider _time;

    public UserEndpoint(IOptions<BffOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!result.Succeeded || result.Principal is null || result.Properties is null)
        {
            if (_options.Value.AnonymousSessionResponse == AnonymousSessionResponse.Response200)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("null", context.RequestAborted);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartArray();
        foreach (var claim in result.Principal.Claims)
        {
            writer.WriteStartObject();
            writer.WriteString("type", claim.Type);
            writer.WriteString("value", claim.Value);
            writer.WriteEndObject();
        }

        var sid = SessionIds.For(result.Principal, result.Properties);
        writer.WriteStartObject();
        writer.WriteString("type", LogoutUrlClaim);
        writer.WriteString("value", $"{_options.Value.ManagementBasePath}/logout?sid={Uri.EscapeDataString(sid)}");
        writer.WriteEndObject();

        if (ExpiresAt(context, result.Properties) is { } expires)
        {
            writer.WriteStartObject();
            writer.WriteString("type", SessionExpiresInClaim);
            writer.WriteNumber("value", Math.Max(0, (long)(expires - _time.GetUtcNow()).TotalSeconds));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// When the session ends: the stored expiry, or, when the cookie handler slides the session in
    /// this request (it writes the renewal as the response starts), the slid expiry, capped by the
    /// absolute timeout as the session store caps it.
    /// </summary>
    private DateTimeOffset? ExpiresAt(HttpContext context, AuthenticationProperties properties)
    {
        if (!context.Items.ContainsKey(ConfigureCookieOptions.SessionRenewedItem))
        {
            return properties.ExpiresUtc;
        }

        var session = _options.Value.Session;
        var slid = _time.GetUtcNow() + session.IdleTimeout;
        return properties.GetCreated() is { } created && created + session.AbsoluteTimeout < slid
            ? created + session.AbsoluteTimeout
            : slid;
    }
}
