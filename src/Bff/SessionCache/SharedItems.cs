using System.Collections;
using System.Diagnostics.CodeAnalysis;
using OpenBff.Core;

namespace OpenBff.SessionCache;

/// <summary>
/// The items of <see cref="SharedProperties"/>: read-only (every change throws
/// <see cref="NotSupportedException"/>, as <c>ReadOnlyDictionary</c>), with each access token (the
/// main one, <c>.Token.access_token</c>, and each API's own, <c>.Token.api|…</c>) held as a
/// <see cref="SharedToken"/> (its header value and parsed expiry) instead of a string. Reading such
/// an item answers the token itself, made from the header value the first time.
/// </summary>
internal sealed class SharedItems : IDictionary<string, string?>, IReadOnlyDictionary<string, string?>
{
    private readonly Dictionary<string, string?> _items;
    private readonly SharedToken[] _tokens;

    /// <summary>A read-only copy of <paramref name="items"/>, without those named in <paramref name="leaveOut"/>.</summary>
    public SharedItems(IDictionary<string, string?> items, ReadOnlySpan<string> leaveOut)
    {
        _items = new Dictionary<string, string?>(items.Count, StringComparer.Ordinal);
        List<SharedToken>? tokens = null;
        foreach (var (key, value) in items)
        {
            if (leaveOut.Contains(key))
            {
                continue;
            }

            if (value is not null && IsAccessTokenItem(key))
            {
                (tokens ??= []).Add(SharedToken.For(key, value, ExpiresAt(items, key)));
            }
            else
            {
                _items[key] = value;
            }
        }

        _items.TrimExcess(); // held as long as the session is in use: no room for items it will never get
        _tokens = tokens?.ToArray() ?? [];
    }

    public int Count => _items.Count + _tokens.Length;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => this.Select(static item => item.Key).ToList().AsReadOnly();

    public ICollection<string?> Values => this.Select(static item => item.Value).ToList().AsReadOnly();

    IEnumerable<string> IReadOnlyDictionary<string, string?>.Keys => Keys;

    IEnumerable<string?> IReadOnlyDictionary<string, string?>.Values => Values;

    public string? this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");
        set => throw ReadOnly();
    }

    /// <summary>The access token stored under <paramref name="item"/>; null when there is none.</summary>
    public SharedToken? Token(string item)
    {
        foreach (var token in _tokens)
        {
            if (string.Equals(token.Item, item, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        if (_items.TryGetValue(key, out value))
        {
            return true;
        }

        value = Token(key)?.AccessToken;
        return value is not null;
    }

    public bool ContainsKey(string key) => _items.ContainsKey(key) || Token(key) is not null;

    public bool Contains(KeyValuePair<string, string?> item) =>
        TryGetValue(item.Key, out var value) && string.Equals(value, item.Value, StringComparison.Ordinal);

    public void CopyTo(KeyValuePair<string, string?>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(arrayIndex);
        if (array.Length - arrayIndex < Count)
        {
            throw new ArgumentException("The array is too small for the items.", nameof(array));
        }

        foreach (var item in this)
        {
            array[arrayIndex++] = item;
        }
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator()
    {
        foreach (var item in _items)
        {
            yield return item;
        }

        foreach (var token in _tokens)
        {
            yield return new KeyValuePair<string, string?>(token.Item, token.AccessToken);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, string? value) => throw ReadOnly();

    public void Add(KeyValuePair<string, string?> item) => throw ReadOnly();

    public bool Remove(string key) => throw ReadOnly();

    public bool Remove(KeyValuePair<string, string?> item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    private static bool IsAccessTokenItem(string key) =>
        key.Equals(TokenNames.AccessTokenItem, StringComparison.Ordinal)
        || (key.StartsWith(TokenNames.ApiTokenItemPrefix, StringComparison.Ordinal) && !key.EndsWith(TokenNames.ApiExpiresAtSuffix, StringComparison.Ordinal));

    private static DateTimeOffset? ExpiresAt(IDictionary<string, string?> items, string tokenItem) =>
        items.TryGetValue(tokenItem.Equals(TokenNames.AccessTokenItem, StringComparison.Ordinal) ? TokenNames.ExpiresAtItem : tokenItem + TokenNames.ApiExpiresAtSuffix, out var expiresAt) && expiresAt is not null
            ? TokenText.ParseExpiresAt(expiresAt)
            : null;

    private static NotSupportedException ReadOnly() => new("The properties of a cached session are shared by its requests and cannot be changed.");
}
