using Microsoft.EntityFrameworkCore;

namespace Bff.DevIdp;

/// <summary>EF Core context holding the OpenIddict entities (applications, authorizations, scopes, tokens).</summary>
internal sealed class IdpDbContext(DbContextOptions<IdpDbContext> options) : DbContext(options);
