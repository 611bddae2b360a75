using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Bff.DevIdp;

/// <summary>
/// Keeps the ASP.NET Core data protection keys (login cookie, antiforgery) in <c>Idp:DataPath/dataprotection-keys</c>
/// so a restarted IdP still reads cookies it issued.
/// </summary>
internal sealed class DataProtectionKeysSetup(IOptions<IdpOptions> options, ILoggerFactory loggerFactory)
    : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions keyManagement)
    {
        var directory = new DirectoryInfo(Path.Combine(options.Value.ResolveDataPath(), "dataprotection-keys"));
        keyManagement.XmlRepository = new FileSystemXmlRepository(directory, loggerFactory);
    }
}
