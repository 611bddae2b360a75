using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Bff.Host;

/// <summary>
/// The deployable BFF: composition only, configured by configuration (appsettings, environment
/// variables, command line). See the README for the keys.
/// </summary>
public static class BffHostApp
{
    /// <summary>Runs the host; exits 1 with a readable message when the configuration is invalid.</summary>
    public static int Main(string[] args)
    {
        try
        {
            Build(args).Run();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine("The BFF cannot start: its configuration is invalid.");
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"  - {failure}");
            }

            return 1;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is AggregateException proxyErrors)
        {
            Console.Error.WriteLine($"The BFF cannot start: {ex.Message}");
            foreach (var error in proxyErrors.InnerExceptions)
            {
                Console.Error.WriteLine($"  - {error.Message}");
            }

            return 1;
        }
    }

    /// <summary>Builds the host. <paramref name="configureBuilder"/> lets tests replace services and configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Services.AddOptions<BffOptions>().BindConfiguration(BffOptions.SectionName);
        builder.Services.AddOptions<SpaOptions>().BindConfiguration("Bff:Spa");
        builder.Services.AddBff().AddServerSideSessions().AddRemoteApis();
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        var spaPath = ResolveSpaPath(app.Services.GetRequiredService<IOptions<SpaOptions>>().Value);
        var spaFiles = Directory.Exists(spaPath) ? new PhysicalFileProvider(spaPath) : null;
        if (spaFiles is not null)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = spaFiles });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = spaFiles });
        }

        app.UseAuthentication();
        app.UseBff();
        app.UseAuthorization();

        app.MapBffManagementEndpoints();
        app.MapReverseProxy();
        app.MapFallback(context => SpaFallback.HandleAsync(context, spaFiles));
        return app;
    }

    private static string ResolveSpaPath(SpaOptions options) =>
        System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(options.Path)
            ? options.Path
            : System.IO.Path.Combine(AppContext.BaseDirectory, options.Path));
}
