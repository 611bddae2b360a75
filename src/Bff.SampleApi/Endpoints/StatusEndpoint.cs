using System.Globalization;

namespace Bff.SampleApi;

/// <summary>
/// <c>GET /api/status/{code}</c> (anonymous): answers with that status (200–599), a small JSON body (none for
/// 204/304) and the header <c>X-Sample: status</c>.
/// </summary>
internal static class StatusEndpoint
{
    public const string HeaderName = "X-Sample";

    public static void MapStatusEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/status/{code:int}", Status);

    private static IResult Status(int code, HttpResponse response)
    {
        if (code is < 200 or > 599)
        {
            return Results.BadRequest(new StatusResponse(StatusCodes.Status400BadRequest, "code must be between 200 and 599"));
        }

        response.Headers[HeaderName] = "status";
        if (code is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return Results.StatusCode(code);
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Sample status {code}");
        return Results.Json(new StatusResponse(code, message), statusCode: code);
    }
}
