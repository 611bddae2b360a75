using System.Buffers.Text;
using System.IO.Compression;
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
    /// </summary>
    public static AuthenticationTicket? Deserialize(byte[] data, TicketSerializer? serializer = null)
    {
        serializer ??= TicketSerializer.Default;
        if (data.Length == 0 || data[0] != Marker)
        {
            return serializer.Deserialize(data);
        }

        var position = 1;
        var length = Read7BitEncodedInt(data, ref position);
        if (length is < 0 or > MaxUncompressedBytes)
        {
            return null;
        }

        var uncompressed = new byte[length];
        if (!BrotliDecoder.TryDecompress(data.AsSpan(position), uncompressed, out var written) || written != length)
        {
            return null;
        }

        using var reader = new BinaryReader(new MemoryStream(uncompressed, writable: false), System.Text.Encoding.UTF8);
        var ticket = serializer.Deserialize(reader.ReadBytes(reader.Read7BitEncodedInt()));
        if (ticket is null)
        {
            return null;
        }

        var count = reader.Read7BitEncodedInt();
        for (var i = 0; i < count; i++)
        {
            var item = reader.ReadString();
            var segments = new string[reader.Read7BitEncodedInt()];
            for (var s = 0; s < segments.Length; s++)
            {
                segments[s] = Base64Url.EncodeToString(reader.ReadBytes(reader.Read7BitEncodedInt()));
            }

            ticket.Properties.Items[item] = string.Join('.', segments);
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

    private static int Read7BitEncodedInt(byte[] data, ref int position)
    {
        var result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= data.Length)
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
