namespace Bff.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<IdpFixture>
{
    public const string Name = "Integration";
}
