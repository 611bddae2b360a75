using Microsoft.AspNetCore.SignalR;

namespace Bff.SampleApi;

/// <summary>
/// The SignalR hub at <c>/api/hubs/notifications</c> (token required: the negotiate request and every
/// transport's request are answered 401 without a valid access token). The access token is read from
/// the <c>Authorization</c> header the BFF attaches, never from an <c>access_token</c> query string.
/// On connecting, the caller is sent <c>notify</c> with a <see cref="Notification"/> that names its
/// token's subject; <see cref="Broadcast"/> sends <c>notify</c> to every connected caller;
/// <see cref="Whoami"/> answers the token's subject. The connection is closed when the token it
/// was opened with expires (<c>CloseOnAuthenticationExpiration</c>).
/// </summary>
internal sealed class NotificationsHub(TimeProvider time) : Hub
{
    public const string Path = "/api/hubs/notifications";

    /// <summary>The client method every message is sent to.</summary>
    public const string ClientMethod = "notify";

    public override Task OnConnectedAsync()
    {
        var sub = TokenClaims.Subject(Context.User!);
        return Clients.Caller.SendAsync(ClientMethod, new Notification("welcome", $"Hello {sub}, from the sample API's hub", sub, time.GetUtcNow()), Context.ConnectionAborted);
    }

    /// <summary>Sends <paramref name="text"/> (at most 500 characters) to every connected caller.</summary>
    public Task Broadcast(string text)
    {
        if (text is null || text.Length > 500)
        {
            throw new HubException("text must be 1 to 500 characters.");
        }

        return Clients.All.SendAsync(ClientMethod, new Notification("broadcast", text, TokenClaims.Subject(Context.User!), time.GetUtcNow()));
    }

    /// <summary>The <c>sub</c> of the access token the connection was opened with.</summary>
    public string? Whoami() => TokenClaims.Subject(Context.User!);
}
