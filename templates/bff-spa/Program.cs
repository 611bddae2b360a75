using OpenBff;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<BffOptions>().BindConfiguration("Bff"); // appsettings.json, section "Bff"
builder.Services.AddBff();                                           // session cookie, OpenID Connect, tokens
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();

app.UseDefaultFiles();            // "/" is wwwroot/index.html, the SPA that ClientApp's npm run build writes
app.UseStaticFiles();             // and its scripts and styles
app.UseBffAuthentication();       // before UseBff()
app.UseBff();                     // X-CSRF: 1 on API calls, tokens for proxied routes
app.UseAuthorization();
app.MapBffManagementEndpoints();  // /bff/login, /bff/user, /bff/logout, /bff/backchannel, ...
app.MapGet("/local/me", (HttpContext context) => new { sub = context.User.FindFirst("sub")?.Value, name = context.User.FindFirst("name")?.Value })
    .RequireAuthorization()
    .AsBffApiEndpoint();          // a local API: X-CSRF: 1 required, 401 (not a redirect) when anonymous
app.MapReverseProxy();            // /api/... to the API in appsettings.json, with the user's access token
app.MapFallbackToFile("index.html"); // the SPA's own routes (deep links) get its index.html,
app.MapFallback("/bff/{**rest}", () => Results.NotFound()); // but a mistyped /bff/ path is a 404

app.Run();
