using Microsoft.Extensions.Options;

namespace Bff.SampleApi;

/// <summary>Turns configuration validation failures at start into a short message for the console.</summary>
internal static class StartupErrors
{
    public static bool TryDescribe(Exception exception, out string message)
    {
        var failures = exception switch
        {
            OptionsValidationException validation => validation.Failures,
            AggregateException aggregate when aggregate.InnerExceptions.All(inner => inner is OptionsValidationException)
                => aggregate.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures),
            _ => null,
        };

        message = failures is null ? "" : "Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", failures);
        return failures is not null;
    }
}
