using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bff.DevIdp;

/// <summary>Validates <see cref="IdpOptions"/> at start; every message names the offending configuration key.</summary>
internal sealed class IdpOptionsValidator : IValidateOptions<IdpOptions>
{
    private const string Section = IdpOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, IdpOptions options)
    {
        var errors = new List<string>();

        if (!string.IsNullOrWhiteSpace(options.Issuer) && !IsHttpUri(options.Issuer))
        {
            errors.Add($"{Section}:Issuer must be an absolute http or https URI (was '{options.Issuer}').");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:AccessTokenLifetime must be greater than zero.");
        }

        if (options.RefreshTokenLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:RefreshTokenLifetime must be greater than zero.");
        }

        if (options.RefreshTokenReuseLeeway < TimeSpan.Zero)
        {
            errors.Add($"{Section}:RefreshTokenReuseLeeway must not be negative.");
        }

        for (var i = 0; i < options.TokenExchangeAudiences.Count; i++)
        {
            var audience = options.TokenExchangeAudiences[i];
            if (string.IsNullOrWhiteSpace(audience) || audience.Any(char.IsWhiteSpace))
            {
                errors.Add($"{Key("TokenExchangeAudiences", i)} must be a name without whitespace, e.g. orders-api (was '{audience}').");
            }
        }

        ValidateClients(options.Clients, errors);
        ValidateUsers(options.Users, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateClients(IList<IdpClientOptions> clients, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < clients.Count; i++)
        {
            var client = clients[i];
            var key = Key("Clients", i);
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                errors.Add($"{key}:ClientId is required.");
            }
            else if (!seen.Add(client.ClientId))
            {
                errors.Add($"{key}:ClientId '{client.ClientId}' is configured more than once.");
            }

            ValidateUris(client.RedirectUris, $"{key}:RedirectUris", errors);
            ValidateUris(client.PostLogoutRedirectUris, $"{key}:PostLogoutRedirectUris", errors);
            if (!string.IsNullOrWhiteSpace(client.BackChannelLogoutUri) && !IsHttpUri(client.BackChannelLogoutUri))
            {
                errors.Add($"{key}:BackChannelLogoutUri must be an absolute http or https URI.");
            }
        }
    }

    private static void ValidateUsers(IList<IdpUserOptions> users, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var key = Key("Users", i);
            if (string.IsNullOrWhiteSpace(user.Username))
            {
                errors.Add($"{key}:Username is required.");
            }
            else if (!seen.Add(user.Username))
            {
                errors.Add($"{key}:Username '{user.Username}' is configured more than once.");
            }

            if (string.IsNullOrEmpty(user.Password))
            {
                errors.Add($"{key}:Password is required.");
            }
        }
    }

    private static void ValidateUris(IList<string> uris, string key, List<string> errors)
    {
        for (var i = 0; i < uris.Count; i++)
        {
            if (!IsHttpUri(uris[i]) || uris[i].Contains('#', StringComparison.Ordinal))
            {
                errors.Add($"{key}:{i.ToString(CultureInfo.InvariantCulture)} must be an absolute http or https URI without fragment (was '{uris[i]}').");
            }
        }
    }

    private static string Key(string list, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Section}:{list}:{index}");

    private static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
