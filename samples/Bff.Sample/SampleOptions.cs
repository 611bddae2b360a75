namespace Bff.Sample;

/// <summary>The sample's own settings, bound from the <c>Sample</c> section.</summary>
internal sealed class SampleOptions
{
    public const string SectionName = "Sample";

    /// <summary>The name of the local API's <see cref="HttpClient"/> for <see cref="DownstreamApi"/>.</summary>
    public const string DownstreamClient = "downstream";

    /// <summary>The API the local API and <c>/api/remote</c> call with the user's token (<c>Sample:DownstreamApi</c>), e.g. <c>http://localhost:5002/</c>.</summary>
    public string? DownstreamApi { get; set; }

    /// <summary>The API <c>/api/orders</c> calls with an exchanged token (<c>Sample:OrdersApi</c>), e.g. <c>http://localhost:5003/</c>.</summary>
    public string? OrdersApi { get; set; }

    /// <summary>The audience the token exchange asks for (<c>Sample:OrdersAudience</c>), the one the orders API accepts.</summary>
    public string? OrdersAudience { get; set; }

    /// <summary>The origin of an SPA served elsewhere that login and logout may return to (<c>Sample:SpaOrigin</c>), or none.</summary>
    public string? SpaOrigin { get; set; }
}
