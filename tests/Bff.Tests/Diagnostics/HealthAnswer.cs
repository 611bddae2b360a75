using System.Text.Json;

namespace Bff.Tests.Diagnostics;

/// <summary>The JSON answer of <c>/health/live</c> and <c>/health/ready</c>, parsed.</summary>
internal sealed class HealthAnswer
{
    private readonly Dictionary<string, (string Status, string Description)> _checks = new(StringComparer.Ordinal);

    public HealthAnswer(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Status = root.GetProperty("status").GetString()!;
        foreach (var check in root.GetProperty("checks").EnumerateArray())
        {
            _checks[check.GetProperty("name").GetString()!] = (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString() ?? string.Empty);
        }
    }

    public string Status { get; }

    public IReadOnlyCollection<string> Checks => _checks.Keys;

    /// <summary>The named check's status, or null when the answer does not list it.</summary>
    public string? StatusOf(string check) => _checks.TryGetValue(check, out var entry) ? entry.Status : null;

    public string DescriptionOf(string check) => _checks[check].Description;
}
