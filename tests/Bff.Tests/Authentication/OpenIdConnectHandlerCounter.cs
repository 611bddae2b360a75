using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Authentication;

/// <summary>
/// Counts the <see cref="OpenIdConnectHandler"/> instances a host creates. ASP.NET Core resolves
/// a scheme's handler from the request's services before constructing it itself, so registering
/// the real handler type with a counting factory sees every one.
/// </summary>
internal sealed class OpenIdConnectHandlerCounter
{
    private int _created;

    public int Created => Volatile.Read(ref _created);

    public void Register(IServiceCollection services) =>
        services.AddTransient(requestServices =>
        {
            Interlocked.Increment(ref _created);
            return ActivatorUtilities.CreateInstance<OpenIdConnectHandler>(requestServices);
        });
}
