namespace Bff.Tests.Infrastructure;

/// <summary>
/// The integration tests that must run alone, after every parallel collection has finished: they
/// kill or restart processes (the BFF, Redis, the IdP on the port it had), fill a disk, or assert
/// on real time (timeouts, deadlines, waits for a timer), which another collection's load could
/// make flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection : ICollectionFixture<IdpFixture>
{
    public const string Name = "Integration: serial";
}
