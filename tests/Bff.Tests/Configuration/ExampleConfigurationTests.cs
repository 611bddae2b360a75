using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Bff.Tests.Configuration;

public sealed class ExampleConfigurationTests
{
    [Fact]
    public async Task The_commented_example_configuration_is_valid_and_starts()
    {
        var example = Path.Combine(RepoPaths.Root(), "src", "Bff.Host", "appsettings.example.jsonc");
        var configuration = new ConfigurationBuilder().AddJsonFile(example, optional: false).Build();
        var settings = configuration.AsEnumerable().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value);
        settings["Bff:Oidc:Authority"] = "https://127.0.0.1:1"; // loopback: nothing leaves the machine
        settings["Bff:Oidc:ClientSecret"] = "secret";
        settings["Bff:DataPath"] = Path.Combine(Path.GetTempPath(), $"bff-example-{Guid.NewGuid():N}");
        settings["Bff:Session:Store"] = "Memory";

        await using var app = TestBff.Build(settings, new CapturingLoggerProvider());
        await app.StartAsync();
        await app.StopAsync();
    }
}
