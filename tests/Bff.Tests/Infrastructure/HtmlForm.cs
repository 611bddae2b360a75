using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>A form of an HTML page as a browser would submit it: its action and its fields' values.</summary>
public sealed partial class HtmlForm
{
    private HtmlForm(Uri page, Uri action, Dictionary<string, string> fields)
    {
        Page = page;
        Action = action;
        Fields = fields;
    }

    /// <summary>The page the form is on: the initiator of its submission.</summary>
    public Uri Page { get; }

    public Uri Action { get; }

    public Dictionary<string, string> Fields { get; }

    /// <summary>The form with id <paramref name="id"/> of <paramref name="page"/>, with every input's value.</summary>
    public static HtmlForm Parse(BrowserResponse page, string id)
    {
        var form = Form().Matches(page.Body).FirstOrDefault(m => Attribute(m.Groups["attributes"].Value, "id") == id)
            ?? throw new InvalidOperationException($"The page {page.RequestUri} has no form '{id}': {page.Body}");
        var action = Attribute(form.Groups["attributes"].Value, "action") ?? page.RequestUri.ToString();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input().Matches(form.Groups["body"].Value))
        {
            if (Attribute(input.Value, "name") is { } name)
            {
                fields[name] = Attribute(input.Value, "value") ?? string.Empty;
            }
        }

        return new HtmlForm(page.RequestUri, new Uri(page.RequestUri, action), fields);
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}\\s*=\\s*(?:\"(?<v>[^\"]*)\"|'(?<v>[^']*)')", RegexOptions.IgnoreCase);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["v"].Value) : null;
    }

    [GeneratedRegex("<form(?<attributes>[^>]*)>(?<body>.*?)</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();
}
