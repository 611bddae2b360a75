using Microsoft.Extensions.Options;

namespace Bff.SampleApi;

/// <summary>Validates <see cref="SampleApiOptions"/> at start; every message names the configuration key.</summary>
internal sealed class SampleApiOptionsValidator : IValidateOptions<SampleApiOptions>
{
    private const string Section = SampleApiOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SampleApiOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            errors.Add($"{Section}:Authority is required: the base URL of the token issuer (e.g. --{Section}:Authority=http://127.0.0.1:5101).");
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
                 || (authority.Scheme != Uri.UriSchemeHttp && authority.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{Section}:Authority must be an absolute http or https URI (was '{options.Authority}').");
        }
        else if (options.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{Section}:Authority uses http while {Section}:RequireHttpsMetadata is true; set {Section}:RequireHttpsMetadata=false for local development.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add($"{Section}:Audience must not be empty.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
