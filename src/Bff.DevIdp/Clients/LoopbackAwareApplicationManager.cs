using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Bff.DevIdp;

/// <summary>
/// OpenIddict application manager accepting loopback redirect and post-logout redirect URIs on any port
/// (see <see cref="LoopbackRedirectUri"/>), so a BFF started on a random port needs no registration change.
/// <see cref="FindByPostLogoutRedirectUriAsync"/> is overridden too because OpenIddict looks the client up by
/// that URI when an end-session request carries no <c>client_id</c>.
/// </summary>
internal sealed class LoopbackAwareApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        return AnyMatches(await GetRedirectUrisAsync(application, cancellationToken), uri);
    }

    public override async ValueTask<bool> ValidatePostLogoutRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (await base.ValidatePostLogoutRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        return AnyMatches(await GetPostLogoutRedirectUrisAsync(application, cancellationToken), uri);
    }

    public override IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByPostLogoutRedirectUriAsync(
        string uri, CancellationToken cancellationToken = default) =>
        FindWithLoopbackAsync(uri, base.FindByPostLogoutRedirectUriAsync(uri, cancellationToken), postLogout: true, cancellationToken);

    public override IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByRedirectUriAsync(
        string uri, CancellationToken cancellationToken = default) =>
        FindWithLoopbackAsync(uri, base.FindByRedirectUriAsync(uri, cancellationToken), postLogout: false, cancellationToken);

    private async IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindWithLoopbackAsync(
        string uri,
        IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> exactMatches,
        bool postLogout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var application in exactMatches.WithCancellation(cancellationToken))
        {
            found.Add(application.Id ?? "");
            yield return application;
        }

        if (!LoopbackRedirectUri.IsLoopback(uri))
        {
            yield break;
        }

        await foreach (var application in ListAsync(count: null, offset: null, cancellationToken))
        {
            if (found.Contains(application.Id ?? ""))
            {
                continue;
            }

            var registered = postLogout
                ? await GetPostLogoutRedirectUrisAsync(application, cancellationToken)
                : await GetRedirectUrisAsync(application, cancellationToken);
            if (AnyMatches(registered, uri))
            {
                yield return application;
            }
        }
    }

    private static bool AnyMatches(IEnumerable<string> registered, string requested)
    {
        foreach (var candidate in registered)
        {
            if (LoopbackRedirectUri.Matches(candidate, requested))
            {
                return true;
            }
        }

        return false;
    }
}
