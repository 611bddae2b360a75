using System.Globalization;
using System.Text.Json;
using OpenBff.Core;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpenBff;

/// <summary>
/// <c>GET /bff/diagnostics</c> (with <c>X-CSRF: 1</c>), mapped only in the Development environment:
/// the current session's claims and token metadata — which tokens are present, the access token's
/// expiry and granted scopes, the session's lifetime — as JSON. Never a token value or signature.
/// 401 without a session.
/// </summary>
public class DefaultDiagnosticsEndpoint : IDiagnosticsEndpoint
{
    private readonly ServerSideTicketStore _tickets;

    /// <summary>Creates the endpoint from the BFF's services (<c>AddBff()</c>).</summary>
    public DefaultDiagnosticsEndpoint(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _tickets = services.GetRequiredService<ServerSideTicketStore>();
    }

    /// <inheritdoc/>
    public virtual async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!result.Succeeded || result.Principal is null || result.Properties is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // Whole, as stored: the shared copy of a session in use leaves out the ID and refresh tokens.
        var properties = result.Properties.GetSessionKey() is { } key
            && await _tickets.RetrieveFromStoreAsync(key, cancellationToken) is { } stored
                ? stored.Properties
                : result.Properties;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();

        writer.WriteStartObject("session");
        WriteTime(writer, "created", properties.GetCreated());
        WriteTime(writer, "issued", properties.IssuedUtc);
        WriteTime(writer, "expires", properties.ExpiresUtc);
        writer.WriteEndObject();

        writer.WriteStartArray("claims");
        foreach (var claim in result.Principal.Claims)
        {
            writer.WriteStartObject();
            writer.WriteString("type", claim.Type);
            writer.WriteString("value", claim.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartObject("tokens");
        WriteAccessToken(writer, properties);
        writer.WriteStartObject(TokenNames.RefreshToken);
        writer.WriteBoolean("present", !string.IsNullOrEmpty(properties.GetTokenValue(TokenNames.RefreshToken)));
        writer.WriteEndObject();
        writer.WriteStartObject(TokenNames.IdToken);
        writer.WriteBoolean("present", !string.IsNullOrEmpty(properties.GetTokenValue(TokenNames.IdToken)));
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static void WriteAccessToken(Utf8JsonWriter writer, AuthenticationProperties properties)
    {
        var token = properties.GetTokenValue(TokenNames.AccessToken);
        writer.WriteStartObject(TokenNames.AccessToken);
        writer.WriteBoolean("present", !string.IsNullOrEmpty(token));
        if (!string.IsNullOrEmpty(token))
        {
            var inspection = Diagnostics.AccessTokenInspection.Of(token);
            writer.WriteString("format", inspection.Format);
            if (properties.GetTokenValue(TokenNames.TokenType) is { Length: > 0 } tokenType)
            {
                writer.WriteString(TokenNames.TokenType, tokenType);
            }

            var expiresAt = properties.GetTokenValue(TokenNames.ExpiresAt);
            WriteTime(writer, TokenNames.ExpiresAt, DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires) ? expires : null);
            if (inspection.Scopes is { } scopes)
            {
                writer.WriteStartArray("scopes");
                foreach (var scope in scopes)
                {
                    writer.WriteStringValue(scope);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNull("scopes"); // an opaque or encrypted token: its scopes cannot be read
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time.ToUniversalTime()); // ISO 8601
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
