using Microsoft.AspNetCore.Http;

namespace OpenBff;

/// <summary>What an <see cref="IAccessTokenRetriever"/> is asked for: the request and its route's settings.</summary>
public sealed class AccessTokenRetrievalContext
{
    /// <summary>The browser's request (its session: <see cref="BffHttpContextExtensions.GetUserAccessTokenAsync"/>).</summary>
    public required HttpContext HttpContext { get; init; }

    /// <summary>The YARP route's id.</summary>
    public required string RouteId { get; init; }

    /// <summary>The route's <c>Bff.TokenType</c>.</summary>
    public required RequiredTokenType TokenType { get; init; }

    /// <summary>The route's <c>Bff.Resource</c>, or null.</summary>
    public string? Resource { get; init; }

    /// <summary>The route's <c>Bff.Scope</c>, or null.</summary>
    public string? Scope { get; init; }

    /// <summary>The request's cancellation.</summary>
    public CancellationToken CancellationToken => HttpContext.RequestAborted;
}
