namespace OpenBff.Sessions;

/// <summary>The session store cannot be used right now (Redis not connected): answered 503 at once, not after a timeout.</summary>
internal sealed class SessionStoreUnavailableException : Exception
{
    public SessionStoreUnavailableException()
    {
    }

    public SessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    public SessionStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
