using System;
using System.Net;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>Addresses, IOCTL inputs and packets for the simulated device.</summary>
public static unsafe class Wire
{
    public static readonly SockAddrInet Local = V4("192.0.2.1", 1194);
    public static readonly SockAddrInet Remote = V4("192.0.2.2", 1194);

    public static SockAddrInet V4(string ip, ushort port)
    {
        var a = default(SockAddrInet);
        a.Addr4.Family = WinAddressFamily.Inet;
        a.Addr4.Port = port;
        var b = IPAddress.Parse(ip).GetAddressBytes();
        for (int i = 0; i < 4; i++)
            a.Addr4.Addr.Bytes[i] = b[i];
        return a;
    }

    public static byte[] Bytes<T>(in T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    public static byte[] NewPeerUdp() => Bytes(new OvpnNewPeer { Local = Local, Remote = Remote, Proto = OvpnProto.Udp });

    /// <summary>Cipher NONE in the primary slot, key id 0: data packets carry the IP packet in clear.</summary>
    public static byte[] KeyNone() => Bytes(new OvpnCryptoDataV2 { V1 = new OvpnCryptoData { KeySlot = OvpnKeySlot.Primary, CipherAlg = OvpnCipherAlg.None } });

    /// <summary>A control-channel packet (P_CONTROL_V1, key id 0) with a marker byte.</summary>
    public static byte[] Control(byte marker) => new byte[] { 0x20, marker, 0x55, 0x66 };

    public static byte[] Ipv4(int payloadLength, byte fill)
    {
        var p = new byte[20 + payloadLength];
        p[0] = 0x45;
        p[2] = (byte)(p.Length >> 8);
        p[3] = (byte)p.Length;
        p[8] = 64;
        p[9] = 17;
        new byte[] { 10, 8, 0, 2 }.CopyTo(p, 12);
        new byte[] { 10, 8, 0, 1 }.CopyTo(p, 16);
        for (int i = 20; i < p.Length; i++)
            p[i] = (byte)(fill + i);
        return p;
    }
}
