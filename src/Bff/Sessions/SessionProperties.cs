using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.Sessions;

/// <summary>The BFF's own entries in a session's <see cref="AuthenticationProperties"/>.</summary>
internal static class SessionProperties
{
    public const string SessionKey = ".bff.session_key";
    public const string Created = ".bff.created";
    public const string LocalSessionId = ".bff.sid";

    public static string? GetSessionKey(this AuthenticationProperties properties) =>
        properties.Items.TryGetValue(SessionKey, out var key) ? key : null;

    public static DateTimeOffset? GetCreated(this AuthenticationProperties properties) =>
        properties.Items.TryGetValue(Created, out var value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var created)
            ? created
            : null;

    public static void SetCreated(this AuthenticationProperties properties, DateTimeOffset created) =>
        properties.Items[Created] = created.ToString("o", CultureInfo.InvariantCulture);
}
