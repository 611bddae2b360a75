using System.Globalization;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Bff.DevIdp;

/// <summary>
/// Ends IdP login sessions for the clients: for every client recorded in those sessions that has a back-channel
/// logout URI (application property <see cref="ClientSynchronizer.BackChannelLogoutUriProperty"/>), POSTs a
/// logout token (<c>application/x-www-form-urlencoded</c>, field <c>logout_token</c>), all in parallel, each
/// bounded by the <see cref="Timeout"/> of the HTTP client; failures are logged and never thrown. The recorded
/// sessions are forgotten afterwards, whatever the outcome.
/// </summary>
internal sealed class BackChannelLogoutNotifier(
    ClientSessionStore sessions,
    IOpenIddictApplicationManager applications,
    IHttpClientFactory httpClientFactory,
    LogoutTokenFactory tokens,
    SentLogoutNotifications sent,
    TimeProvider timeProvider,
    ILogger<BackChannelLogoutNotifier> logger)
{
    public const string HttpClientName = "DevIdp.BackChannelLogout";
    public const string LogoutTokenParameter = "logout_token";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <param name="sessionIds">The ended IdP sessions (<c>sid</c>); empty values are ignored.</param>
    /// <param name="issuer">The issuer written in the logout tokens (as in the ID tokens, with its trailing slash).</param>
    /// <param name="cancellationToken">Stops reading the database; the notifications have their own timeout.</param>
    public async Task NotifyAsync(IEnumerable<string?> sessionIds, string issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        var ended = sessionIds.OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ended.Count == 0)
        {
            return;
        }

        var records = await sessions.ListAsync(ended, cancellationToken);
        var notifications = new List<(ClientSessionRecord Record, Uri Target)>();
        var targets = new HashSet<(string ClientId, string SessionId, Uri Target)>();
        var registeredUris = new Dictionary<string, Uri?>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!registeredUris.TryGetValue(record.ClientId, out var registered))
            {
                registered = await FindBackChannelLogoutUriAsync(record.ClientId, cancellationToken);
                registeredUris[record.ClientId] = registered;
            }

            if (registered is null)
            {
                continue;
            }

            var target = BackChannelLogoutTarget.Resolve(registered, record.RedirectUri);
            if (targets.Add((record.ClientId, record.SessionId, target)))
            {
                notifications.Add((record, target));
            }
        }

        var endedList = string.Join(' ', ended);
        logger.SessionsEnding(endedList, notifications.Count);
        await Task.WhenAll(notifications.Select(notification => SendAsync(notification.Record, notification.Target, issuer)));
        await sessions.ForgetAsync(ended, CancellationToken.None);
    }

    private async Task<Uri?> FindBackChannelLogoutUriAsync(string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            logger.BackChannelLogoutSkipped(clientId, "the client no longer exists");
            return null;
        }

        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        if (!properties.TryGetValue(ClientSynchronizer.BackChannelLogoutUriProperty, out var value))
        {
            logger.BackChannelLogoutSkipped(clientId, "no back-channel logout URI is registered");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            logger.BackChannelLogoutSkipped(clientId, "its back-channel logout URI is not an absolute http(s) URI in a JSON string");
            return null;
        }

        return uri;
    }

    private async Task SendAsync(ClientSessionRecord record, Uri target, string issuer)
    {
        var token = tokens.Create(issuer, record.ClientId, record.Subject, record.SessionId);
        int? statusCode = null;
        string? error = null;
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>(LogoutTokenParameter, token)]),
            };

            // A fresh connection each time: logouts are rare, and a pooled connection to a client that was
            // restarted or closed it meanwhile could fail the notification.
            request.Headers.ConnectionClose = true;
            using var response = await client.SendAsync(request, CancellationToken.None);
            statusCode = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                logger.BackChannelLogoutSent(record.ClientId, target, statusCode.Value);
            }
            else
            {
                logger.BackChannelLogoutRejected(record.ClientId, target, statusCode.Value);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            error = exception is TaskCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"No answer within {Timeout.TotalSeconds} s")
                : exception.Message;
            logger.BackChannelLogoutFailed(record.ClientId, target, error);
        }

        sent.Add(new SentLogoutNotification(
            record.ClientId, record.SessionId, record.Subject, target, token, statusCode, error, timeProvider.GetUtcNow()));
    }
}
