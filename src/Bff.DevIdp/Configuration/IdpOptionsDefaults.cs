using Microsoft.Extensions.Options;

namespace Bff.DevIdp;

/// <summary>
/// Adds the demo client and users when the configuration lists none. Done after binding, because the
/// configuration binder appends to collections that already hold items.
/// </summary>
internal sealed class IdpOptionsDefaults : IPostConfigureOptions<IdpOptions>
{
    public const string DefaultClientId = "bff";
    public const string DefaultClientSecret = "bff-secret";
    public const string DefaultBackChannelLogoutUri = "http://localhost:5000/bff/backchannel";

    public void PostConfigure(string? name, IdpOptions options)
    {
        if (options.Clients.Count == 0)
        {
            var client = new IdpClientOptions
            {
                ClientId = DefaultClientId,
                ClientSecret = DefaultClientSecret,
                DisplayName = "BFF (development)",
                BackChannelLogoutUri = DefaultBackChannelLogoutUri,
            };
            client.RedirectUris.Add("http://localhost:5000/signin-oidc");
            client.PostLogoutRedirectUris.Add("http://localhost:5000/signout-callback-oidc");
            client.PostLogoutRedirectUris.Add("http://localhost:5000/");
            options.Clients.Add(client);
        }

        if (options.Users.Count == 0)
        {
            options.Users.Add(new IdpUserOptions { Username = "alice", Password = "alice", Name = "Alice Smith", Email = "alice@example.com" });
            options.Users.Add(new IdpUserOptions { Username = "bob", Password = "bob", Name = "Bob Smith", Email = "bob@example.com" });
        }
    }
}
