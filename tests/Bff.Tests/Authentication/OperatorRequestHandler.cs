using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Authentication;

/// <summary>
/// A request-handler scheme an application adds beside the BFF's: it records the path of every
/// request it is asked about, and answers a request itself when its query has <c>operator=answer</c>.
/// </summary>
internal sealed class OperatorRequestHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConcurrentQueue<string> askedPaths)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
{
    public const string Answer = "answered by the operator's scheme";

    /// <summary>Adds the scheme; <paramref name="askedPaths"/> receives the path of every request it is asked about.</summary>
    public static void Add(IServiceCollection services, ConcurrentQueue<string> askedPaths)
    {
        services.AddSingleton(askedPaths);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, OperatorRequestHandler>("operator", null);
    }

    public async Task<bool> HandleRequestAsync()
    {
        askedPaths.Enqueue(Request.Path.Value ?? string.Empty);
        if (Request.Query["operator"] != "answer")
        {
            return false;
        }

        await Response.WriteAsync(Answer);
        return true;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
}
