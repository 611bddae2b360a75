namespace Bff.DevIdp;

/// <summary>
/// The last back-channel logout notifications sent (at most <see cref="Capacity"/>, oldest dropped first), in
/// memory only, so tests can see what the IdP sent, logout tokens included. Singleton.
/// </summary>
internal sealed class SentLogoutNotifications
{
    public const int Capacity = 1000;

    private readonly Lock _lock = new();
    private readonly Queue<SentLogoutNotification> _sent = new();

    public void Add(SentLogoutNotification notification)
    {
        lock (_lock)
        {
            if (_sent.Count == Capacity)
            {
                _sent.Dequeue();
            }

            _sent.Enqueue(notification);
        }
    }

    /// <summary>A copy of the notifications sent, oldest first.</summary>
    public IReadOnlyList<SentLogoutNotification> Snapshot()
    {
        lock (_lock)
        {
            return [.. _sent];
        }
    }
}
