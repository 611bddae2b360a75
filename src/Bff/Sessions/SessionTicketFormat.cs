using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.Sessions;

/// <summary>
/// The bytes a session's ticket is stored as (before data protection encrypts them). A stored
/// session is mostly its tokens, so the format is built to make them small:
/// <list type="bullet">
/// <item>a token that is a JWT (JWS or JWE, base64url segments separated by dots) is kept as its
/// decoded segments (3 bytes for every 4 characters), and only when encoding them again gives back
/// exactly the same string; any other token is kept as it is;</item>
/// <item>the rest of the ticket is ASP.NET Core's <see cref="TicketSerializer"/> format, with those
/// tokens' values left empty;</item>
/// <item>everything is Brotli-compressed: the JSON of the tokens and the claims repeat each other.</item>
/// </list>
/// Layout: <c>0xB2</c>, the uncompressed length (7-bit encoded), then Brotli data. A ticket written
/// before this format (plain <see cref="TicketSerializer"/> bytes, whose first byte is its format
/// version 5) is still read.
/// </summary>
internal static class SessionTicketFormat
{
    private const byte Marker = 0xB2;
    private const int MaxUncompressedBytes = 1 << 20;
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;
    private const string TokenPrefix = ".Token.";

    public static byte[] Serialize(AuthenticationTicket ticket)
    {
        using var packed = new MemoryStream();
        using (var writer = new BinaryWriter(packed, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var properties = ticket.Properties.Clone();
            properties.Items.Remove(SessionProperties.SessionKey); // the store's key: known to whoever reads the session
            var jwts = new List<(string Item, byte[][] Segments)>();
            foreach (var (item, value) in ticket.Properties.Items)
            {
                if (value is not null && item.StartsWith(TokenPrefix, StringComparison.Ordinal) && TryDecodeJwt(value) is { } segments)
                {
                    jwts.Add((item, segments));
                    properties.Items[item] = string.Empty;
                }
            }

            var rest = TicketSerializer.Default.Serialize(new AuthenticationTicket(ticket.Principal, properties, ticket.AuthenticationScheme));
            writer.Write7BitEncodedInt(rest.Length);
            writer.Write(rest);
            writer.Write7BitEncodedInt(jwts.Count);
            foreach (var (item, segments) in jwts)
            {
                writer.Write(item);
                writer.Write7BitEncodedInt(segments.Length);
                foreach (var segment in segments)
                {
                    writer.Write7BitEncodedInt(segment.Length);
                    writer.Write(segment);
                }
            }
        }

        var uncompressed = packed.GetBuffer().AsSpan(0, (int)packed.Length);
        var output = new byte[1 + 5 + BrotliEncoder.GetMaxCompressedLength(uncompressed.Length)];
        output[0] = Marker;
        var header = 1 + Write7BitEncodedInt(output.AsSpan(1), uncompressed.Length);
        if (!BrotliEncoder.TryCompress(uncompressed, output.AsSpan(header), out var written, BrotliQuality, BrotliWindow))
        {
            throw new InvalidOperationException("Brotli compression of a session ticket failed.");
        }

        return output.AsSpan(0, header + written).ToArray();
    }

    /// <summary>
    /// Reads what <see cref="Serialize"/> wrote, or the plain <see cref="TicketSerializer"/> format;
    /// null when neither. <paramref name="serializer"/> reads the ticket itself: the BFF passes its
    /// <see cref="SessionCache.InterningTicketSerializer"/>, so tickets share claim types and issuers.
    /// The properties' items named in <paramref name="leaveOut"/> are not in the ticket returned (a
    /// token among them is not even decoded: the shared copy of a session in use needs neither its
    /// ID nor its refresh token, about 80 % of the tokens' characters).
    /// </summary>
    /// <remarks>
    /// A miss of the session caches pays this on every request (issue 17, item 2), so it allocates
    /// only what the ticket keeps: the decompressed bytes are in a pooled buffer (cleared before it
    /// goes back: they are the plaintext tokens), the ticket part is read from it in place, and each
    /// JWT is encoded straight into its one string.
    /// </remarks>
    /// <exception cref="InvalidDataException">The data ends inside a token (or says a length it cannot hold).</exception>
    public static AuthenticationTicket? Deserialize(byte[] data, TicketSerializer? serializer = null, params ReadOnlySpan<string> leaveOut)
    {
        serializer ??= TicketSerializer.Default;
        if (data.Length == 0 || data[0] != Marker)
        {
            return Without(serializer.Deserialize(data), leaveOut);
        }

        var position = 1;
        var length = Read7BitEncodedInt(data, ref position);
        if (length is < 0 or > MaxUncompressedBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!BrotliDecoder.TryDecompress(data.AsSpan(position), buffer.AsSpan(0, length), out var written) || written != length)
            {
                return null;
            }

            var read = 0;
            var ticketLength = Read7BitEncodedInt(buffer, length, ref read);
            if (ticketLength < 0 || ticketLength > length - read)
            {
                throw new InvalidDataException("The session ticket's length is out of range.");
            }

            AuthenticationTicket? ticket;
            using (var reader = new BinaryReader(new MemoryStream(buffer, read, ticketLength, writable: false), System.Text.Encoding.UTF8))
            {
                ticket = serializer.Read(reader);
            }

            if (ticket is null)
            {
                return null;
            }

            read += ticketLength;
            var count = Read7BitEncodedInt(buffer, length, ref read);
            if (count < 0)
            {
                throw new InvalidDataException("The session ticket's token count is out of range.");
            }

            for (var i = 0; i < count; i++)
            {
                var item = ReadString(buffer, length, ref read);
                var segments = Read7BitEncodedInt(buffer, length, ref read);
                if (segments < 0)
                {
                    throw new InvalidDataException("A token's segment count is out of range.");
                }

                if (Contains(leaveOut, item))
                {
                    for (var s = 0; s < segments; s++)
                    {
                        _ = Span(buffer, length, ref read);
                    }

                    continue;
                }

                ticket.Properties.Items[item] = ReadJwt(buffer, length, ref read, segments);
            }

            return Without(ticket, leaveOut);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A JWT's <paramref name="count"/> segments, base64url-encoded into one string, joined by dots.</summary>
    private static string ReadJwt(byte[] buffer, int length, ref int position, int count)
    {
        var start = position;
        var chars = count - 1;
        for (var s = 0; s < count; s++)
        {
            chars += Base64Url.GetEncodedLength(Span(buffer, length, ref position).Length);
        }

        return string.Create(chars, (buffer, start, count), static (destination, state) =>
        {
            var (buffer, position, count) = state;
            for (var s = 0; s < count; s++)
            {
                if (s > 0)
                {
                    destination[0] = '.';
                    destination = destination[1..];
                }

                var written = Base64Url.EncodeToChars(Span(buffer, buffer.Length, ref position), destination);
                destination = destination[written..];
            }
        });
    }

    /// <summary>A length-prefixed run of bytes at <paramref name="position"/>, which moves past it.</summary>
    private static ReadOnlySpan<byte> Span(byte[] buffer, int length, ref int position)
    {
        var size = Read7BitEncodedInt(buffer, length, ref position);
        if (size < 0 || size > length - position)
        {
            throw new InvalidDataException("A token segment's length is out of range.");
        }

        var span = buffer.AsSpan(position, size);
        position += size;
        return span;
    }

    /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> writes it (7-bit length, UTF-8).</summary>
    private static string ReadString(byte[] buffer, int length, ref int position) =>
        System.Text.Encoding.UTF8.GetString(Span(buffer, length, ref position));

    private static bool Contains(ReadOnlySpan<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static AuthenticationTicket? Without(AuthenticationTicket? ticket, ReadOnlySpan<string> leaveOut)
    {
        if (ticket is not null)
        {
            foreach (var item in leaveOut)
            {
                ticket.Properties.Items.Remove(item);
            }
        }

        return ticket;
    }

    /// <summary>The decoded segments of a compact JWS (3 segments) or JWE (5), when they encode back to exactly <paramref name="value"/>.</summary>
    private static byte[][]? TryDecodeJwt(string value)
    {
        var dots = value.AsSpan().Count('.');
        if (dots is not (2 or 4))
        {
            return null;
        }

        var segments = new byte[dots + 1][];
        var rest = value.AsSpan();
        for (var i = 0; i <= dots; i++)
        {
            var end = rest.IndexOf('.');
            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (!Base64Url.IsValid(part))
            {
                return null;
            }

            var bytes = Base64Url.DecodeFromChars(part);
            if (!part.SequenceEqual(Base64Url.EncodeToString(bytes)))
            {
                return null; // not canonical: kept as written
            }

            segments[i] = bytes;
        }

        return segments;
    }

    private static int Write7BitEncodedInt(Span<byte> destination, int value)
    {
        var count = 0;
        var remaining = (uint)value;
        while (remaining >= 0x80)
        {
            destination[count++] = (byte)(remaining | 0x80);
            remaining >>= 7;
        }

        destination[count++] = (byte)remaining;
        return count;
    }

    private static int Read7BitEncodedInt(byte[] data, ref int position) => Read7BitEncodedInt(data, data.Length, ref position);

    /// <summary>A 7-bit encoded non-negative int within the first <paramref name="length"/> bytes; -1 when it is not there.</summary>
    private static int Read7BitEncodedInt(byte[] data, int length, ref int position)
    {
        var result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= length)
            {
                return -1;
            }

            var b = data[position++];
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        return -1;
    }
}
