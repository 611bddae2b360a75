namespace Bff.Tests.Infrastructure;

/// <summary>
/// The integration tests that share nothing but their IdP and API (<see cref="IdpFixture"/>): each
/// test starts its own BFF on an ephemeral port, with its own client registration and data folder.
/// Its classes run one after another (they share the fixture's API recorder and logs), in parallel
/// with the interop classes and the unit specifications. A test that kills or restarts a process,
/// fills a disk, needs a port to stay free, changes environment variables or asserts on real time
/// belongs in <see cref="SerialCollection"/> instead.
/// </summary>
/// <remarks>
/// Splitting these classes into two collections (two IdPs, run in parallel) was measured on the
/// two-core box (issue 14, item 11): 56 s against 62 s in series when the box was quiet, 118 s
/// against 95 s and 82 s against 66 s when other work loaded it. No reliable gain: one collection.
/// </remarks>
[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<IdpFixture>
{
    public const string Name = "Integration";
}
