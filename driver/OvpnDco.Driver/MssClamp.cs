using System;
using System.Buffers.Binary;

namespace OvpnDco.Driver;

/// <summary>
/// Clamps the MSS option of TCP SYN segments in IPv4 and IPv6 packets (no extension headers) to a maximum,
/// fixing the TCP checksum incrementally (RFC 1624).
/// </summary>
public static class MssClamp
{
    /// <summary>Returns true when the packet was changed.</summary>
    public static bool Apply(Span<byte> ip, int mss)
    {
        if (mss <= 0 || mss > 0xFFFF || ip.Length < 20)
            return false;
        int version = ip[0] >> 4;
        int tcp;
        if (version == 4)
        {
            int ihl = (ip[0] & 15) * 4;
            if (ihl < 20 || ip[9] != 6)
                return false;
            if (((ip[6] & 0x1F) | ip[7]) != 0)
                return false; // not the first fragment
            tcp = ihl;
        }
        else if (version == 6)
        {
            if (ip.Length < 40 || ip[6] != 6)
                return false;
            tcp = 40;
        }
        else
        {
            return false;
        }
        if (ip.Length < tcp + 20)
            return false;
        if ((ip[tcp + 13] & 0x02) == 0)
            return false; // not SYN
        int dataOffset = (ip[tcp + 12] >> 4) * 4;
        if (dataOffset < 20 || ip.Length < tcp + dataOffset)
            return false;
        int i = tcp + 20;
        int end = tcp + dataOffset;
        while (i < end)
        {
            int kind = ip[i];
            if (kind == 0)
                break;
            if (kind == 1)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
                break;
            int len = ip[i + 1];
            if (len < 2 || i + len > end)
                break;
            if (kind == 2 && len == 4)
            {
                int old = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(i + 2));
                if (old <= mss)
                    return false;
                BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(i + 2), (ushort)mss);
                int check = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(tcp + 16));
                // HC' = ~(~HC + ~m + m'); a field at an odd offset contributes its bytes swapped.
                int m = old;
                int m2 = mss;
                if (((i + 2 - tcp) & 1) != 0)
                {
                    m = ((m & 0xFF) << 8) | (m >> 8);
                    m2 = ((m2 & 0xFF) << 8) | (m2 >> 8);
                }
                uint sum = (uint)(~check & 0xFFFF) + (uint)(~m & 0xFFFF) + (uint)m2;
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = (sum & 0xFFFF) + (sum >> 16);
                BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(tcp + 16), (ushort)~sum);
                return true;
            }
            i += len;
        }
        return false;
    }
}
