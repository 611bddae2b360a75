using System.Text.Json;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/user</c> (with <c>X-CSRF: 1</c>): the user's claims as <c>[{"type":..,"value":..}]</c>
/// plus <c>bff:logout_url</c> and <c>bff:session_expires_in</c>; 401 when anonymous.
/// <c>?slide=false</c> reads without extending the session.
/// </summary>
public class DefaultUserEndpoint : IUserEndpoint
{
    private const string LogoutUrlClaim = "bff:logout_url";
    private const string SessionExpiresInClaim = "bff:session_expires_in";

    private readonly IOptions<BffOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultUserEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _options = services.GetRequiredService<IOptions<BffOptions>>();
        _time = services.GetRequiredService<TimeProvider>();
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!result.Succeeded || result.Principal is null || result.Properties is null)
        {
            if (_options.Value.AnonymousSessionResponse == AnonymousSessionResponse.Response200)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("null", cancellationToken);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var sid = SessionIds.For(result.Principal, result.Properties);
        var claims = new List<ClaimRecord>(result.Principal.Claims.Select(c => new ClaimRecord(c.Type, c.Value)))
        {
            new(LogoutUrlClaim, $"{_options.Value.ManagementBasePath}/logout?sid={Uri.EscapeDataString(sid)}"),
        };
        if (ExpiresAt(context, result.Properties) is { } expires)
        {
            claims.Add(new ClaimRecord(SessionExpiresInClaim, Math.Max(0, (long)(expires - _time.GetUtcNow()).TotalSeconds)));
        }

        IReadOnlyList<ClaimRecord> answer = claims;
        if (context.RequestServices.GetService<IUserEndpointClaimsEnricher>() is { } enricher)
        {
            answer = await enricher.EnrichClaimsAsync(result, claims, cancellationToken);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartArray();
        foreach (var claim in answer)
        {
            writer.WriteStartObject();
            writer.WriteString("type", claim.Type);
            writer.WritePropertyName("value");
            switch (claim.Value)
            {
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                default:
                    JsonSerializer.Serialize(writer, claim.Value);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// When the session ends: the stored expiry, or, when the cookie handler slides the session in
    /// this request (it writes the renewal as the response starts), the slid expiry, capped by the
    /// absolute timeout as the session store caps it.
    /// </summary>
    private DateTimeOffset? ExpiresAt(HttpContext context, AuthenticationProperties properties)
    {
        if (!context.Items.ContainsKey(BffItems.SessionRenewed))
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
