using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Bff.SampleApi;

/// <summary>
/// Configures JWT bearer validation from <see cref="SampleApiOptions"/> (through the options system, so that
/// configuration changed by tests in <c>configureBuilder</c> is honoured): issuer and signing keys from the
/// authority's discovery document, audience, lifetime with 5 s clock skew, token types <c>at+jwt</c> and
/// <c>JWT</c>, claims kept as issued (<c>MapInboundClaims = false</c>).
/// </summary>
internal sealed class JwtBearerSetup(IOptions<SampleApiOptions> apiOptions) : IConfigureNamedOptions<JwtBearerOptions>
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var api = apiOptions.Value;
        options.Authority = api.Authority;
        options.Audience = api.Audience;
        options.RequireHttpsMetadata = api.RequireHttpsMetadata;
        options.MapInboundClaims = false;

        var parameters = options.TokenValidationParameters;
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ValidAudience = api.Audience;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.ValidateIssuerSigningKey = true;
        parameters.ClockSkew = ClockSkew;
        parameters.ValidTypes = ["at+jwt", "JWT"];
        parameters.NameClaimType = "name";
        parameters.RoleClaimType = "role";
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
