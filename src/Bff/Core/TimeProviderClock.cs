namespace OpenBff.Core;

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions.Clock takes
/// <summary>Lets a <c>MemoryCache</c> expire entries by the application's <see cref="TimeProvider"/>.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
#pragma warning restore CS0618
