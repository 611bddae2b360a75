namespace OpenBff.TokenEndpoint;

/// <summary>The provider could not be used for a step of the login (discovery, PAR): the user sees 502, not 500.</summary>
internal sealed class ProviderUnavailableException : Exception
{
    public ProviderUnavailableException()
    {
    }

    public ProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
