using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bff.DevIdp;

/// <summary>
/// The configured demo users. The <c>sub</c> of a user is its configured <c>Subject</c> or, by default,
/// its username exactly as configured (so the demo users are <c>alice</c> and <c>bob</c>).
/// </summary>
internal sealed class UserDirectory(IOptions<IdpOptions> options)
{
    public DevUser? FindByUsername(string? username)
    {
        var user = Find(username);
        return user is null ? null : ToDevUser(user);
    }

    public DevUser? FindBySubject(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        foreach (var user in options.Value.Users)
        {
            if (string.Equals(SubjectOf(user), subject, StringComparison.Ordinal))
            {
                return ToDevUser(user);
            }
        }

        return null;
    }

    public DevUser? ValidateCredentials(string? username, string? password)
    {
        var user = Find(username);
        if (user is null || password is null)
        {
            return null;
        }

        var expected = Encoding.UTF8.GetBytes(user.Password);
        var actual = Encoding.UTF8.GetBytes(password);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? ToDevUser(user) : null;
    }

    private IdpUserOptions? Find(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return null;
        }

        foreach (var user in options.Value.Users)
        {
            if (string.Equals(user.Username, username, StringComparison.OrdinalIgnoreCase))
            {
                return user;
            }
        }

        return null;
    }

    private static string SubjectOf(IdpUserOptions user) =>
        string.IsNullOrWhiteSpace(user.Subject) ? user.Username : user.Subject;

    private static DevUser ToDevUser(IdpUserOptions user) =>
        new(SubjectOf(user), user.Username, user.Name, user.Email);
}
