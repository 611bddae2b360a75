using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>
/// Persists data-protection keys under <c>Bff:DataPath/keys</c> unless the application chose a
/// key repository itself, so a restart can still read every session cookie and stored ticket.
/// </summary>
internal sealed class ConfigureDataProtectionKeys : IConfigureOptions<KeyManagementOptions>
{
    private readonly IOptions<BffOptions> _bff;
    private readonly ILoggerFactory _loggerFactory;

    public ConfigureDataProtectionKeys(IOptions<BffOptions> bff, ILoggerFactory loggerFactory)
    {
        _bff = bff;
        _loggerFactory = loggerFactory;
    }

    public void Configure(KeyManagementOptions options)
    {
        if (options.XmlRepository is not null)
        {
            return;
        }

        var folder = new DirectoryInfo(Path.Combine(_bff.Value.ResolveDataPath(), "keys"));
        folder.Create();
        options.XmlRepository = new FileSystemXmlRepository(folder, _loggerFactory);
    }
}
