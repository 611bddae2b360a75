using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OpenBff.Core;

/// <summary>
/// The BFF's own data protection, for its session cookie, the OpenID Connect state, nonce and
/// correlation cookies, and the stored tickets: application name <c>Bff</c>, AES-256-GCM for new
/// keys, and its key ring in <c>Bff:DataProtectionKeysPath</c> when set, else in Redis beside the
/// sessions (Redis store), else under <c>Bff:DataPath/keys</c>. It is separate from the host's data
/// protection, which the BFF leaves as the host configured it (a host that already protects its own
/// payloads keeps reading them). Key ring and settings are those earlier versions gave the host's
/// data protection, so cookies and sessions made before an upgrade stay readable.
/// </summary>
internal sealed class BffDataProtection : IDisposable
{
    private readonly Lazy<ServiceProvider> _services;

    public BffDataProtection(IOptions<BffOptions> bff, ILoggerFactory loggerFactory, IServiceProvider hostServices)
    {
        _services = new Lazy<ServiceProvider>(() => Build(bff.Value, loggerFactory, hostServices));
    }

    /// <summary>Protects and unprotects the BFF's payloads.</summary>
    public IDataProtectionProvider Provider => _services.Value.GetRequiredService<IDataProtectionProvider>();

    /// <summary>The key ring's keys (to tell a lost key ring from a damaged cookie).</summary>
    public IKeyManager KeyManager => _services.Value.GetRequiredService<IKeyManager>();

    public void Dispose()
    {
        if (_services.IsValueCreated)
        {
            _services.Value.Dispose();
        }
    }

    private static ServiceProvider Build(BffOptions bff, ILoggerFactory loggerFactory, IServiceProvider hostServices)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        // AES-256-GCM (one pass, hardware-accelerated) instead of the default AES-256-CBC +
        // HMAC-SHA256: about half the time per ticket and cookie. Keys created before keep their
        // algorithm until they expire, so existing sessions stay readable.
        services.AddDataProtection()
            .SetApplicationName("Bff")
            .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256, // not used by GCM; required by the type
            });
        var repository = Repository(bff, loggerFactory, hostServices);
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        return services.BuildServiceProvider();
    }

    private static IXmlRepository Repository(BffOptions bff, ILoggerFactory loggerFactory, IServiceProvider hostServices)
    {
        if (!string.IsNullOrWhiteSpace(bff.DataProtectionKeysPath))
        {
            var shared = new DirectoryInfo(Path.GetFullPath(bff.DataProtectionKeysPath));
            shared.Create();
            return new FileSystemXmlRepository(shared, loggerFactory);
        }

        if (bff.Session.Store == SessionStoreKinds.Redis)
        {
            var redis = hostServices.GetRequiredService<IConnectionMultiplexer>();
            return new RedisXmlRepository(() => redis.GetDatabase(), $"{bff.Session.RedisKeyPrefix}dataprotection-keys");
        }

        var folder = new DirectoryInfo(Path.Combine(bff.ResolveDataPath(), "keys"));
        folder.Create();
        return new FileSystemXmlRepository(folder, loggerFactory);
    }
}
