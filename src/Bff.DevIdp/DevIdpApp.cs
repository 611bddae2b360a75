namespace Bff.DevIdp;

/// <summary>
/// Development OpenID Provider (OpenIddict) for demos and tests. Never use it in production.
/// Configuration: section <c>Idp</c> (see the IdP options), from the command line, environment variables
/// (<c>Idp__...</c>) or an optional <c>devidp.settings.json</c> beside the binary.
/// Endpoints: <c>/connect/{authorize,token,endsession,revoke,userinfo,introspect}</c>, discovery at
/// <c>/.well-known/openid-configuration</c>, keys at <c>/.well-known/jwks</c>, the login form at
/// <c>/account/login</c>, the IdP-initiated sign-out at <c>POST /account/logout</c>, <c>GET /</c> (who is signed
/// in) and <c>GET /health</c> (200 "ok"). Ending an IdP session (end-session endpoint or sign-out) sends
/// back-channel logout tokens to the clients of that session.
/// </summary>
public static class DevIdpApp
{
    /// <summary>Runs the IdP until shut down; returns 1 when the configuration is invalid.</summary>
    public static int Main(string[] args)
    {
        try
        {
            using var app = Build(args);
            app.Run();
            return 0;
        }
        catch (Exception exception) when (StartupErrors.TryDescribe(exception, out var message))
        {
            Console.Error.WriteLine(message);
            return 1;
        }
    }

    /// <summary>
    /// Builds the IdP without starting it. The content root is <see cref="AppContext.BaseDirectory"/>, so the
    /// current directory does not matter.
    /// </summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls</c>, <c>--Idp:DataPath=...</c>).</param>
    /// <param name="configureBuilder">Runs after the default services are added: override configuration or services.</param>
    /// <param name="configurePipelineStart">Runs first in the middleware pipeline (e.g. request-recording middleware).</param>
    public static WebApplication Build(
        string[] args,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<IApplicationBuilder>? configurePipelineStart = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(DevIdpApp).Assembly.GetName().Name,
        });
        SettingsFiles.UseOwnFiles(builder.Configuration, builder.Environment.EnvironmentName);

        builder.AddDevIdp();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        configurePipelineStart?.Invoke(app);
        app.UseDevIdp();
        return app;
    }
}
