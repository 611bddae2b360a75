namespace Bff.SampleApi;

/// <summary>Settings of the sample resource server, bound from the <c>SampleApi</c> configuration section.</summary>
internal sealed class SampleApiOptions
{
    public const string SectionName = "SampleApi";

    /// <summary>Required: the issuer whose discovery document and JWKS validate the access tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>Expected <c>aud</c> of the access tokens.</summary>
    public string Audience { get; set; } = "sample-api";

    public bool RequireHttpsMetadata { get; set; } = true;
}
