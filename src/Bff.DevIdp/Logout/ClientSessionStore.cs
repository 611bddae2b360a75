using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Bff.DevIdp;

/// <summary>
/// Remembers which clients received an authorization code in which IdP login session, in the IdP's SQLite
/// database (so a restarted IdP can still notify them). Uses set-based SQL only: the context is shared with the
/// OpenIddict stores of the same request, and nothing is left in its change tracker.
/// </summary>
internal sealed class ClientSessionStore(IdpDbContext database, TimeProvider timeProvider)
{
    public const string TableName = "DevIdpClientSessions";

    /// <summary>
    /// Creates the table in a database created before it existed (<c>EnsureCreated</c> does nothing on an
    /// existing database). Must match the model of <see cref="IdpDbContext"/>.
    /// </summary>
    public static async Task EnsureTableAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        await database.ExecuteSqlRawAsync(
            """
            CREATE TABLE IF NOT EXISTS "DevIdpClientSessions" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_DevIdpClientSessions" PRIMARY KEY AUTOINCREMENT,
                "SessionId" TEXT NOT NULL,
                "ClientId" TEXT NOT NULL,
                "Subject" TEXT NOT NULL,
                "RedirectUri" TEXT NOT NULL,
                "CreatedAt" INTEGER NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS "IX_DevIdpClientSessions_SessionId_ClientId_RedirectUri"
                ON "DevIdpClientSessions" ("SessionId", "ClientId", "RedirectUri");
            """,
            cancellationToken);
    }

    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<ClientSessionRecord>(entity =>
        {
            entity.ToTable(TableName);
            entity.HasKey(record => record.Id);
            entity.HasIndex(record => new { record.SessionId, record.ClientId, record.RedirectUri }).IsUnique();
        });

    /// <summary>Records that <paramref name="clientId"/> has a session in <paramref name="sessionId"/> (idempotent).</summary>
    public async Task RecordAsync(
        string clientId, string sessionId, string subject, string? redirectUri, CancellationToken cancellationToken)
    {
        var createdAt = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var redirect = redirectUri ?? "";
        await database.Database.ExecuteSqlAsync(
            $"""
            INSERT OR IGNORE INTO "DevIdpClientSessions" ("SessionId", "ClientId", "Subject", "RedirectUri", "CreatedAt")
            VALUES ({sessionId}, {clientId}, {subject}, {redirect}, {createdAt})
            """,
            cancellationToken);
    }

    public Task<List<ClientSessionRecord>> ListAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken) =>
        database.Set<ClientSessionRecord>()
            .AsNoTracking()
            .Where(record => sessionIds.Contains(record.SessionId))
            .OrderBy(record => record.Id)
            .ToListAsync(cancellationToken);

    public Task<int> ForgetAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken) =>
        database.Set<ClientSessionRecord>()
            .Where(record => sessionIds.Contains(record.SessionId))
            .ExecuteDeleteAsync(cancellationToken);
}
