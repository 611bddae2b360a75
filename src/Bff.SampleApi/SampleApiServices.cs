using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bff.SampleApi;

/// <summary>Registers the services of the sample API.</summary>
internal static class SampleApiServices
{
    public static void AddSampleApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<SampleApiOptions>()
            .BindConfiguration(SampleApiOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SampleApiOptions>, SampleApiOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthorization();
        services.AddSignalR();
    }
}
