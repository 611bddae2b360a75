using Yarp.ReverseProxy.Configuration;

namespace OpenBff.Proxy;

/// <summary>
/// Reads and validates the <c>Bff.*</c> metadata of a YARP route (and the Duende.BFF aliases).
/// Every problem is reported, each naming the route and the key.
/// </summary>
internal static class BffRouteMetadata
{
    public const string TokenType = "Bff.TokenType";
    public const string AntiForgery = "Bff.AntiForgery";
    public const string Scope = "Bff.Scope";
    public const string Resource = "Bff.Resource";
    public const string DuendeTokenType = "Duende.Bff.Yarp.TokenType";
    public const string DuendeAntiForgery = "Duende.Bff.Yarp.AntiforgeryCheck";

    /// <summary>The key of the keyed <see cref="IAccessTokenRetriever"/> that decides the route's token.</summary>
    public const string AccessTokenRetriever = "Bff.AccessTokenRetriever";

    private static readonly string[] KnownKeys = [TokenType, AntiForgery, Scope, Resource, AccessTokenRetriever, DuendeTokenType, DuendeAntiForgery];

    public static BffRouteSettings Parse(RouteConfig route, List<string> errors)
    {
        var metadata = route.Metadata;
        if (metadata is null || metadata.Count == 0)
        {
            return BffRouteSettings.Default;
        }

        foreach (var key in metadata.Keys)
        {
            if ((key.StartsWith("Bff.", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Duende.Bff", StringComparison.OrdinalIgnoreCase))
                && !KnownKeys.Contains(key, StringComparer.Ordinal))
            {
                errors.Add($"Route '{route.RouteId}': metadata key '{key}' is unknown. Known keys: {string.Join(", ", KnownKeys)}.");
            }
        }

        var settings = BffRouteSettings.Default;
        var tokenKey = metadata.ContainsKey(TokenType) ? TokenType : DuendeTokenType;
        if (metadata.TryGetValue(tokenKey, out var tokenValue))
        {
            if (TryParseTokenType(tokenValue, out var tokenType))
            {
                settings = settings with { TokenType = tokenType };
            }
            else
            {
                errors.Add($"Route '{route.RouteId}': {tokenKey} '{tokenValue}' is not a token type. Use User, Client, UserOrClient, OptionalUser or None.");
            }
        }

        if (metadata.TryGetValue(AccessTokenRetriever, out var retriever))
        {
            if (string.IsNullOrWhiteSpace(retriever))
            {
                errors.Add($"Route '{route.RouteId}': {AccessTokenRetriever} must name a keyed IAccessTokenRetriever service.");
            }
            else
            {
                settings = settings with { AccessTokenRetriever = retriever };
            }
        }

        var antiForgeryKey = metadata.ContainsKey(AntiForgery) ? AntiForgery : DuendeAntiForgery;
        if (metadata.TryGetValue(antiForgeryKey, out var antiForgeryValue))
        {
            if (bool.TryParse(antiForgeryValue, out var antiForgery))
            {
                settings = settings with { AntiForgery = antiForgery };
            }
            else
            {
                errors.Add($"Route '{route.RouteId}': {antiForgeryKey} '{antiForgeryValue}' must be true or false.");
            }
        }

        if (metadata.TryGetValue(Scope, out var scope) && !string.IsNullOrWhiteSpace(scope))
        {
            settings = settings with { Scope = scope.Trim() };
        }

        if (metadata.TryGetValue(Resource, out var resource) && !string.IsNullOrWhiteSpace(resource))
        {
            if (Core.ResourceIndicator.IsValid(resource))
            {
                settings = settings with { Resource = resource };
            }
            else
            {
                errors.Add($"Route '{route.RouteId}': {Resource} '{resource}' must be an absolute URI without a fragment (RFC 8707).");
            }
        }

        if ((settings.Scope is not null || settings.Resource is not null) && settings.TokenType == RouteTokenType.None)
        {
            errors.Add($"Route '{route.RouteId}': {Scope} and {Resource} name the token the route attaches, and {TokenType} None attaches none; set {TokenType} to User, OptionalUser, UserOrClient or Client, or remove them.");
        }

        return settings;
    }

    private static bool TryParseTokenType(string value, out RouteTokenType tokenType)
    {
        tokenType = value.ToLowerInvariant() switch // values ignore case, as Duende.BFF's enum parsing does
        {
            "user" => RouteTokenType.User,
            "client" => RouteTokenType.Client,
            "userorclient" => RouteTokenType.UserOrClient,
            "optionaluser" or "userornone" => RouteTokenType.OptionalUser,
            "none" => RouteTokenType.None,
            _ => (RouteTokenType)(-1),
        };
        return Enum.IsDefined(tokenType);
    }
}
