using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Configuration;

/// <summary>
/// Persists data-protection keys where the sessions live, unless the application chose a key
/// repository itself: in <c>Bff:DataProtectionKeysPath</c> when set, else in Redis with the Redis
/// store (every instance reads every instance's cookies), else under <c>Bff:DataPath/keys</c> (a
/// restart still reads every cookie and ticket).
/// </summary>
internal sealed class ConfigureDataProtectionKeys : IConfigureOptions<KeyManagementOptions>
{
    private readonly IOptions<BffOptions> _bff;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;

    public ConfigureDataProtectionKeys(IOptions<BffOptions> bff, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _bff = bff;
        _loggerFactory = loggerFactory;
        _services = services;
    }

    public void Configure(KeyManagementOptions options)
    {
        if (options.XmlRepository is not null)
        {
            return;
        }

        var session = _bff.Value.Session;
        if (!string.IsNullOrWhiteSpace(_bff.Value.DataProtectionKeysPath))
        {
            var shared = new DirectoryInfo(Path.GetFullPath(_bff.Value.DataProtectionKeysPath));
            shared.Create();
            options.XmlRepository = new FileSystemXmlRepository(shared, _loggerFactory);
            return;
        }

        if (session.Store == SessionStoreKinds.Redis)
        {
            var redis = _services.GetRequiredService<IConnectionMultiplexer>();
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), $"{session.RedisKeyPrefix}dataprotection-keys");
            return;
        }

        var folder = new DirectoryInfo(Path.Combine(_bff.Value.ResolveDataPath(), "keys"));
        folder.Create();
        options.XmlRepository = new FileSystemXmlRepository(folder, _loggerFactory);
    }
}
