namespace Bff.Sessions;

/// <summary>A session store that knows without a round trip whether it can be used now (Redis: connected).</summary>
internal interface IReportsAvailability
{
    bool IsAvailable { get; }
}
