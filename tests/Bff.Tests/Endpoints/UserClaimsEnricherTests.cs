using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Endpoints;

/// <summary>A host's <see cref="IUserEndpointClaimsEnricher"/> shapes <c>/bff/user</c>'s answer, after authentication.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class UserClaimsEnricherTests(IdpFixture env)
{
    [Fact]
    public async Task An_enricher_adds_and_removes_claims_with_json_values_and_sees_the_session()
    {
        await using var bff = await env.StartBffAsync(services: s => s.AddScoped<IUserEndpointClaimsEnricher, TenantEnricher>());
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var user = await browser.ApiAsync($"{bff.Url}/bff/user");

        Assert.Equal(HttpStatusCode.OK, user.Status);
        using var json = JsonDocument.Parse(user.Body);
        var claims = json.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value"));
        Assert.Equal("acme", claims["tenant"].GetString());
        Assert.True(claims["admin"].GetBoolean());
        Assert.Equal("alice", claims["tenant_of"].GetString()); // the enricher saw the authenticated session
        Assert.False(claims.ContainsKey("email"));
        Assert.Equal(JsonValueKind.Number, claims["bff:session_expires_in"].ValueKind);
        Assert.StartsWith("/bff/logout?sid=", claims["bff:logout_url"].GetString(), StringComparison.Ordinal);
    }

    private sealed class TenantEnricher : IUserEndpointClaimsEnricher
    {
        public Task<IReadOnlyList<ClaimRecord>> EnrichClaimsAsync(AuthenticateResult authenticateResult, IReadOnlyList<ClaimRecord> claims, CancellationToken cancellationToken)
        {
            var sub = authenticateResult.Principal!.FindFirst("sub")!.Value;
            IReadOnlyList<ClaimRecord> enriched =
            [
                .. claims.Where(c => c.Type != "email"),
                new ClaimRecord("tenant", "acme"),
                new ClaimRecord("admin", true),
                new ClaimRecord("tenant_of", sub),
            ];
            return Task.FromResult(enriched);
        }
    }
}
