using System;
using System.Buffers.Binary;

namespace OvpnDco.Driver;

/// <summary>What <see cref="TcpFraming.Next"/> found.</summary>
public enum TcpFrameResult
{
    /// <summary>All input consumed; no complete packet.</summary>
    NeedMore = 0,

    /// <summary>A complete packet is in the reassembly buffer.</summary>
    Packet = 1,

    /// <summary>A frame length of 0 or more than <see cref="Proto.MaxTcpFrame"/>: the stream state was reset.</summary>
    BadLength = 2,
}

/// <summary>TCP stream reassembly state of a peer: the 2-byte length being read, then the packet body.</summary>
public unsafe struct TcpRx
{
    /// <summary>Reassembly buffer of <see cref="Proto.MaxTcpFrame"/> bytes (platform memory).</summary>
    public byte* Buffer;

    /// <summary>Bytes of the length prefix read so far (0..2).</summary>
    public int PrefixHave;
    public int PrefixHigh;

    /// <summary>Length of the frame being read (0 while reading the prefix) and bytes of it read so far.</summary>
    public int Need;
    public int Have;
}

/// <summary>
/// OpenVPN TCP framing: every packet is preceded by a 2-byte big-endian length. Receive reassembles across any
/// split or coalescing of segments; send writes the prefix.
/// </summary>
public static unsafe class TcpFraming
{
    public const int PrefixSize = 2;

    public static void Reset(ref TcpRx rx)
    {
        rx.PrefixHave = 0;
        rx.PrefixHigh = 0;
        rx.Need = 0;
        rx.Have = 0;
    }

    /// <summary>Writes the length prefix of a <paramref name="length"/>-byte packet.</summary>
    public static void WritePrefix(Span<byte> output, int length)
        => BinaryPrimitives.WriteUInt16BigEndian(output, (ushort)length);

    /// <summary>
    /// Consumes bytes of <paramref name="data"/> from <paramref name="offset"/> until a packet is complete
    /// (returns <see cref="TcpFrameResult.Packet"/>, the packet is the first <paramref name="length"/> bytes of
    /// <see cref="TcpRx.Buffer"/>), the input ends, or a bad length resets the state.
    /// </summary>
    public static TcpFrameResult Next(ref TcpRx rx, ReadOnlySpan<byte> data, ref int offset, out int length)
    {
        length = 0;
        while (offset < data.Length)
        {
            if (rx.Need == 0)
            {
                if (rx.PrefixHave == 0)
                {
                    rx.PrefixHigh = data[offset++];
                    rx.PrefixHave = 1;
                    continue;
                }
                int frame = (rx.PrefixHigh << 8) | data[offset++];
                rx.PrefixHave = 0;
                if (frame == 0 || frame > Proto.MaxTcpFrame)
                {
                    Reset(ref rx);
                    return TcpFrameResult.BadLength;
                }
                rx.Need = frame;
                rx.Have = 0;
                continue;
            }
            int take = Math.Min(rx.Need - rx.Have, data.Length - offset);
            data.Slice(offset, take).CopyTo(new Span<byte>(rx.Buffer + rx.Have, take));
            offset += take;
            rx.Have += take;
            if (rx.Have == rx.Need)
            {
                length = rx.Need;
                rx.Need = 0;
                rx.Have = 0;
                return TcpFrameResult.Packet;
            }
        }
        return TcpFrameResult.NeedMore;
    }
}
