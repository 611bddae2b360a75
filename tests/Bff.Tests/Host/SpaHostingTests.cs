using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

[Collection(IntegrationCollection.Name)]
public sealed class SpaHostingTests(IdpFixture env)
{
    private async Task<(TestBff Bff, string Spa)> StartWithSpaAsync()
    {
        var data = env.NewFolder();
        var spa = Path.Combine(data, "spa");
        Directory.CreateDirectory(Path.Combine(spa, "assets"));
        await File.WriteAllTextAsync(Path.Combine(spa, "index.html"), "<!doctype html><title>spa-index</title>");
        await File.WriteAllTextAsync(Path.Combine(spa, "assets", "app.js"), "console.log('app')");
        return (await env.StartBffAsync(dataPath: data), spa);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/orders/42")]
    [InlineData("/deep/link?x=1")]
    public async Task Spa_routes_are_served_index_html(string path)
    {
        var (bff, _) = await StartWithSpaAsync();
        await using var _ = bff;
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}{path}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("spa-index", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spa_static_assets_are_served()
    {
        var (bff, _) = await StartWithSpaAsync();
        await using var _ = bff;
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/assets/app.js");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("console.log", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/bff/unknown")]
    [InlineData("/assets/missing.js")]
    public async Task Unknown_bff_paths_and_missing_files_are_404_not_the_spa(string path)
    {
        var (bff, _) = await StartWithSpaAsync();
        await using var _ = bff;
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}{path}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.DoesNotContain("spa-index", response.Body, StringComparison.Ordinal);
    }
}
