using Microsoft.EntityFrameworkCore;

namespace Bff.DevIdp;

/// <summary>
/// EF Core context holding the OpenIddict entities (applications, authorizations, scopes, tokens) and the
/// client sessions remembered for back-channel logout (<see cref="ClientSessionRecord"/>).
/// </summary>
internal sealed class IdpDbContext(DbContextOptions<IdpDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ClientSessionStore.Configure(modelBuilder);
    }
}
