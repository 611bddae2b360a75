using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Bff.DevIdp;

/// <summary>
/// Prepares the IdP before the server starts listening (<see cref="IHostedLifecycleService.StartingAsync"/> runs
/// before any hosted service starts, Kestrel included): creates the data folder and the SQLite schema, loads or
/// creates the keys and synchronises the configured clients and the <c>api</c> scope. The table of client
/// sessions (back-channel logout) is added to databases created before it existed.
/// </summary>
internal sealed class IdpStartup(
    IServiceScopeFactory scopeFactory,
    IOptions<IdpOptions> options,
    IOptionsMonitor<OpenIddictServerOptions> serverOptions,
    ILogger<IdpStartup> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.ResolveDataPath());

        // Resolving the server options loads (or creates) the keys and runs OpenIddict's own validation.
        _ = serverOptions.CurrentValue;

        await using var scope = scopeFactory.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<IdpDbContext>().Database;
        await database.EnsureCreatedAsync(cancellationToken);
        await ClientSessionStore.EnsureTableAsync(database, cancellationToken);
        var databasePath = IdpDatabase.PathIn(options.Value);
        logger.DatabaseReady(databasePath);

        await scope.ServiceProvider.GetRequiredService<ClientSynchronizer>().SynchronizeAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
