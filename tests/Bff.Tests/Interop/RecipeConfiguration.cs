using System.Text.RegularExpressions;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// The configuration blocks of docs/identity-providers.md that the interop tests run: fenced
/// blocks opened with <c>```properties interop-profile=NAME</c>, one <c>Key=Value</c> per line,
/// <c># comments</c> after two spaces or on their own line. The tests add only what cannot be in
/// a document: the provider's address, the client registered for the test, a data folder and the
/// address of the API cluster.
/// </summary>
public static partial class RecipeConfiguration
{
    public static string DocumentPath => Path.Combine(RepoPaths.Root(), "docs", "identity-providers.md");

    /// <summary>Every block in the document, by name, in document order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> Blocks()
    {
        var blocks = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        List<KeyValuePair<string, string>>? current = null;
        var number = 0;
        foreach (var line in File.ReadLines(DocumentPath))
        {
            number++;
            if (current is null)
            {
                if (Opening().Match(line) is { Success: true } opening)
                {
                    current = [];
                    if (!blocks.TryAdd(opening.Groups[1].Value, current))
                    {
                        throw new InvalidOperationException($"identity-providers.md:{number}: a second block named {opening.Groups[1].Value}.");
                    }
                }

                continue;
            }

            if (line.TrimEnd() == "```")
            {
                current = null;
                continue;
            }

            var text = Comment().Replace(line, string.Empty).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || text[..equals].Contains(' ', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"identity-providers.md:{number}: '{line}' is not Key=Value.");
            }

            current.Add(new(text[..equals], text[(equals + 1)..]));
        }

        return blocks;
    }

    /// <summary>
    /// The block <paramref name="name"/> as settings, with <c>&lt;issuer&gt;</c> and
    /// <c>&lt;client-id&gt;</c> replaced where the block uses them.
    /// </summary>
    public static Dictionary<string, string?> Load(string name, string issuer, string? clientId = null)
    {
        if (!Blocks().TryGetValue(name, out var block))
        {
            throw new InvalidOperationException($"docs/identity-providers.md has no block ```properties interop-profile={name}.");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in block)
        {
            var resolved = value.Replace("<issuer>", issuer, StringComparison.Ordinal);
            if (resolved.Contains("<client-id>", StringComparison.Ordinal))
            {
                resolved = resolved.Replace("<client-id>", clientId ?? throw new InvalidOperationException($"The {name} block needs the client id."), StringComparison.Ordinal);
            }

            if (!settings.TryAdd(key, resolved))
            {
                throw new InvalidOperationException($"The {name} block sets {key} twice.");
            }
        }

        return settings;
    }

    [GeneratedRegex(@"^```properties interop-profile=([a-z0-9-]+)\s*$")]
    private static partial Regex Opening();

    [GeneratedRegex(@"(^|\s{2,})#.*$")]
    private static partial Regex Comment();
}
