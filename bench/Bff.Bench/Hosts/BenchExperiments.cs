namespace Bff.Bench.Hosts;

/// <summary>
/// Prototypes of changes to the library, switched on in the bench host only
/// (<c>--Bench:Experiments=NAME</c>; <c>npm run bench -- --experiment STORE:NAME</c>), so that their
/// effect is measured end to end, side by side with the unchanged BFF, before anyone changes the
/// library. Not the product.
/// <para>
/// No prototype of a library change is defined now; <see cref="RedisIdleClient"/> and <see cref="NoBearer"/> are diagnoses.
/// Each prototype measured here went into the library or was dropped: a cache
/// of decrypted tickets and one of decrypted session cookies (commit 1d2639a: TicketCache,
/// CachingCookieTicketFormat), and AES-256-GCM for data protection (Core/BffDataProtection; the
/// prototype had become a no-op: it configured the host's data protection, which the library's own
/// key ring does not use). A name given is refused, so a run never measures a prototype that does nothing.
/// </para>
/// </summary>
internal static class BenchExperiments
{
    /// <summary>
    /// <c>redis-idle-client</c>: not a library change but a diagnosis (stop 29). The Redis store's BFF
    /// uses 8–11 µs more CPU per proxied request than the Memory store's with no Redis command per
    /// request; this connects a StackExchange.Redis multiplexer to the bench's Redis
    /// (<c>Bench:Redis</c>) and subscribes to a channel, as the Redis store does, in a BFF whose
    /// store stays Memory, and leaves it idle: is the client's presence the cost?
    /// </summary>
    public const string RedisIdleClient = "redis-idle-client";

    /// <summary>
    /// <c>no-bearer</c>: a diagnosis too (stop 30). The BFF does all its work (the session, the
    /// anti-forgery check, the token resolved and attached), then a transform that runs after its
    /// own drops the <c>Authorization</c> header again, so the upstream request carries no 1 KB
    /// token: beside the real BFF, what writing and sending the token costs end to end (HttpClient,
    /// the socket, the upstream's parsing) apart from the library's own work. Its refresh storm
    /// reports no token at the upstream, as it should.
    /// </summary>
    public const string NoBearer = "no-bearer";

    /// <summary>
    /// <c>anonymous</c>: a diagnosis too (stop 32). The same process, services and pipeline as the
    /// real BFF, but the proxied request carries no session: a first middleware drops its
    /// <c>Cookie</c> header, and the route attaches no token (<c>Bff.TokenType=None</c>), so the
    /// BFF's middlewares still run (authentication finds no cookie, the anti-forgery check, the
    /// route's settings, the transforms) and the upstream request is bare YARP's without the
    /// cookie. Beside bare YARP and the real BFF in the same rounds it splits the BFF's extra CPU
    /// per request in two: what the BFF's process and pipeline cost with no session, and what
    /// the session and its token cost on top.
    /// </summary>
    public const string Anonymous = "anonymous";

    /// <summary>
    /// <c>direct</c>: a diagnosis too (stop 32), in bare YARP's process as well
    /// (<see cref="ApplyToFloor"/>): see <see cref="DirectForward"/>.
    /// </summary>
    public const string Direct = "direct";

    public static readonly string[] Known = [RedisIdleClient, NoBearer, Anonymous, Direct];

    /// <summary>Bare YARP's host: only <see cref="Direct"/> applies there.</summary>
    public static void ApplyToFloor(WebApplicationBuilder builder)
    {
        var experiments = Names(builder);
        if (experiments.Any(e => !e.Equals(Direct, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Bare YARP's host takes only the {Direct} diagnosis, not {string.Join(", ", experiments)}.");
        }

        if (experiments.Length > 0)
        {
            DirectForward.AddTo(builder);
        }
    }

    /// <summary>The names in <c>Bench:Experiments</c> (comma-separated).</summary>
    public static string[] Names(WebApplicationBuilder builder) =>
        (builder.Configuration["Bench:Experiments"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void Apply(WebApplicationBuilder builder, IReadOnlyCollection<string> experiments)
    {
        if (experiments.Contains(RedisIdleClient, StringComparer.OrdinalIgnoreCase))
        {
            var socket = builder.Configuration["Bench:Redis"] ?? throw new ArgumentException($"{RedisIdleClient} needs Bench:Redis (run with a Redis store in --stores).");
            var redis = StackExchange.Redis.ConnectionMultiplexer.Connect(OpenBff.Sessions.RedisConnection.Parse(socket));
            redis.GetSubscriber().Subscribe(StackExchange.Redis.RedisChannel.Literal("bench-idle"), (_, _) => { });
            builder.Services.AddSingleton(redis); // kept alive with the host
        }

        if (experiments.Contains(NoBearer, StringComparer.OrdinalIgnoreCase))
        {
            // Registered after AddBff's provider (BffHostApp runs this callback after it): its transform runs after the BFF's.
            builder.Services.AddSingleton<Yarp.ReverseProxy.Transforms.Builder.ITransformProvider, DropBearer>();
        }

        if (experiments.Contains(Anonymous, StringComparer.OrdinalIgnoreCase))
        {
            // The route's metadata comes from the command line (bench/lib/hosts.mjs); setting the key
            // here sets it in every configuration provider, before YARP binds its routes.
            builder.Configuration["ReverseProxy:Routes:api:Metadata:Bff.TokenType"] = "None";
            builder.Services.AddSingleton<IStartupFilter, DropApiCookie>();
        }

        if (experiments.Contains(Direct, StringComparer.OrdinalIgnoreCase))
        {
            DirectForward.AddTo(builder);
        }

        var unknown = experiments.Except(Known, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown Bench:Experiments {string.Join(", ", unknown)}; {(Known.Length == 0 ? "no prototype is defined now" : $"known: {string.Join(", ", Known)}")} (bench/Bff.Bench/Hosts/BenchExperiments.cs).");
        }
    }

    private sealed class DropApiCookie : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(static (context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    context.Request.Headers.Cookie = default;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class DropBearer : Yarp.ReverseProxy.Transforms.Builder.ITransformProvider
    {
        public void ValidateRoute(Yarp.ReverseProxy.Transforms.Builder.TransformRouteValidationContext context)
        {
        }

        public void ValidateCluster(Yarp.ReverseProxy.Transforms.Builder.TransformClusterValidationContext context)
        {
        }

        public void Apply(Yarp.ReverseProxy.Transforms.Builder.TransformBuilderContext context) =>
            Yarp.ReverseProxy.Transforms.TransformBuilderContextFuncExtensions.AddRequestTransform(context, static transform =>
            {
                transform.ProxyRequest.Headers.Authorization = null;
                return ValueTask.CompletedTask;
            });
    }
}
