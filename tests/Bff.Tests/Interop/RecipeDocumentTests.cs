using System.Text.RegularExpressions;

namespace Bff.Tests.Interop;

/// <summary>
/// docs/identity-providers.md says, per recipe, which configuration block a profile test runs and
/// what could not be tested here; these keep the document and the tests in step.
/// </summary>
public sealed partial class RecipeDocumentTests
{
    private static readonly string[] Providers = ["Microsoft Entra ID", "Auth0", "Okta", "Keycloak", "Amazon Cognito", "Google", "Duende IdentityServer", "OpenIddict"];

    [Fact]
    public void Every_configuration_block_of_the_document_is_run_by_a_profile_test_and_every_profile_test_loads_one()
    {
        Assert.Equal(InteropProfiles.Recipes.Order(), RecipeConfiguration.Blocks().Keys.Order());
    }

    [Fact]
    public void Every_recipe_says_how_it_is_tested_here_and_lists_what_could_not_be()
    {
        var sections = Sections();
        foreach (var provider in Providers)
        {
            Assert.True(sections.TryGetValue(provider, out var text), $"no recipe '## {provider}'");
            Assert.True(text.Contains("\n**Tested here**: ", StringComparison.Ordinal), $"the {provider} recipe does not say how it is tested here");
            var notTested = NotTestedList().Match(text);
            Assert.True(notTested.Success, $"the {provider} recipe has no '**Not tested here**' list");
        }
    }

    private static Dictionary<string, string> Sections()
    {
        var text = File.ReadAllText(RecipeConfiguration.DocumentPath);
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in Heading().Matches(text))
        {
            var end = text.IndexOf("\n## ", match.Index + match.Length, StringComparison.Ordinal);
            sections[match.Groups[1].Value.Trim()] = text[match.Index..(end < 0 ? text.Length : end)];
        }

        return sections;
    }

    [GeneratedRegex(@"^## (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\n\*\*Not tested here\*\*\n\n- \S")]
    private static partial Regex NotTestedList();
}
