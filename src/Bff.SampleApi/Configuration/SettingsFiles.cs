using Microsoft.Extensions.Configuration.Json;

namespace Bff.SampleApi;

/// <summary>
/// Replaces the default <c>appsettings.json</c> sources by this app's own optional files
/// (<c>sampleapi.settings.json</c>, <c>sampleapi.settings.{Environment}.json</c>). The content root is
/// <c>AppContext.BaseDirectory</c>, which in tests is shared with other apps whose appsettings.json would
/// otherwise leak in (e.g. Kestrel endpoints). Command line and environment variables still override them.
/// </summary>
internal static class SettingsFiles
{
    public const string BaseName = "sampleapi.settings";

    public static void UseOwnFiles(ConfigurationManager configuration, string environmentName)
    {
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { Path: { } path })
            {
                continue;
            }

            string? replacement = null;
            if (string.Equals(path, "appsettings.json", StringComparison.OrdinalIgnoreCase))
            {
                replacement = BaseName + ".json";
            }
            else if (string.Equals(path, $"appsettings.{environmentName}.json", StringComparison.OrdinalIgnoreCase))
            {
                replacement = $"{BaseName}.{environmentName}.json";
            }

            if (replacement is not null)
            {
                sources[i] = new JsonConfigurationSource { Path = replacement, Optional = true, ReloadOnChange = false };
            }
        }
    }
}
