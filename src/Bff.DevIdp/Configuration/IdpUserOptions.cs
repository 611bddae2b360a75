namespace Bff.DevIdp;

/// <summary>A demo user of the development IdP (<c>Idp:Users:N</c>).</summary>
internal sealed class IdpUserOptions
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public string? Name { get; set; }

    public string? Email { get; set; }

    /// <summary>Optional fixed <c>sub</c>; when empty the username is the subject.</summary>
    public string? Subject { get; set; }
}
