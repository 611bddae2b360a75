using System.Net;
using System.Security.Cryptography;
using Bff.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Tokens;

[Collection(IntegrationCollection.Name)]
public sealed class PrivateKeyJwtTests(IdpFixture env)
{
    [Theory]
    [InlineData("RSA")]
    [InlineData("EC")]
    public async Task Private_key_jwt_client_logs_in_refreshes_and_logs_out_without_a_secret(string keyType)
    {
        var folder = env.NewFolder();
        var keyPath = Path.Combine(folder, "client-key.pem");
        JsonWebKey publicJwk;
        if (keyType == "RSA")
        {
            using var rsa = RSA.Create(2048);
            await File.WriteAllTextAsync(keyPath, rsa.ExportPkcs8PrivateKeyPem());
            publicJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "bff-key-1" });
        }
        else
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(keyPath, ec.ExportECPrivateKeyPem());
            publicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false))) { KeyId = "bff-key-1" });
        }

        var (clientId, _) = await env.Idp.RegisterClientAsync("http://127.0.0.1", publicJwk);
        await using var bff = await env.StartBffAsync(
            s =>
            {
                s["Bff:Oidc:ClientAuthentication"] = "private_key_jwt";
                s["Bff:Oidc:ClientAssertionKeyPath"] = keyPath;
                s["Bff:Oidc:ClientAssertionKeyId"] = "bff-key-1";
            },
            client: (clientId, string.Empty),
            dataPath: folder);
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}");

        var requests = env.Idp.TokenRequests(clientId).Concat(env.Idp.Recorder.To("/connect/par").Where(r => r.Field("client_id") == clientId))
            .Concat(env.Idp.Recorder.To("/connect/revoke").Where(r => r.Field("client_id") == clientId)).ToList();
        Assert.Equal(4, requests.Count); // PAR, code, refresh, revocation
        Assert.All(requests, r =>
        {
            Assert.True(r.Status is 200 or 201, $"{r.Path}: {r.Status}");
            Assert.Null(r.Field("client_secret"));
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", r.Field("client_assertion_type"));
            var assertion = new JsonWebToken(r.Field("client_assertion"));
            Assert.Equal(clientId, assertion.Issuer);
            Assert.Equal(clientId, assertion.Subject);
            Assert.Equal("bff-key-1", assertion.Kid);
            Assert.Equal(keyType == "RSA" ? "RS256" : "ES256", assertion.Alg);
        });
        Assert.Equal(requests.Count, requests.Select(r => new JsonWebToken(r.Field("client_assertion")).Id).Distinct().Count());
    }

    [Theory]
    [InlineData(null, "Bff:Oidc:ClientAssertionKeyPath is required")]
    [InlineData("/nonexistent/key.pem", "does not exist")]
    [InlineData("garbage", "is not a readable PEM")]
    public async Task Private_key_jwt_without_a_usable_key_stops_the_start(string? keyPath, string expected)
    {
        var folder = env.NewFolder();
        if (keyPath == "garbage")
        {
            keyPath = Path.Combine(folder, "garbage.pem");
            await File.WriteAllTextAsync(keyPath, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        }

        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, folder);
        settings["Bff:Oidc:ClientId"] = "x";
        settings["Bff:Oidc:ClientAuthentication"] = "private_key_jwt";
        settings["Bff:Oidc:ClientAssertionKeyPath"] = keyPath;

        var error = await TestBff.StartupErrorAsync(settings);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
