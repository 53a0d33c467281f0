using System;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi;

/// <summary>Windows address family values (the ABI uses these, not Linux's: AF_INET6 is 23, not 10).</summary>
public enum WinAddressFamily : ushort
{
    Unspecified = 0,
    Inet = 2,
    Inet6 = 23,
}

/// <summary><c>IN_ADDR</c>: an IPv4 address in network byte order (4 bytes, align 4).</summary>
[UapiExternal("IN_ADDR", 4)]
[StructLayout(LayoutKind.Explicit, Size = 4)]
[KernelCode]
public unsafe struct InAddr
{
    /// <summary>The address bytes, first octet first.</summary>
    [FieldOffset(0)] public fixed byte Bytes[4];

    /// <summary>The address as a little-endian-loaded 32-bit value (first octet in the low byte).</summary>
    [FieldOffset(0)] public uint Raw;
}

/// <summary><c>IN6_ADDR</c>: an IPv6 address (16 bytes, align 2 on Windows).</summary>
[UapiExternal("IN6_ADDR", 2)]
[StructLayout(LayoutKind.Explicit, Size = 16)]
[KernelCode]
public unsafe struct In6Addr
{
    [FieldOffset(0)] public fixed byte Bytes[16];
}

/// <summary><c>SOCKADDR_IN</c> (16 bytes, align 4). The port is big-endian; use <see cref="Port"/>.</summary>
[UapiExternal("SOCKADDR_IN", 4)]
[StructLayout(LayoutKind.Explicit, Size = 16)]
[KernelCode]
public unsafe struct SockAddrIn
{
    [UapiName("sin_family")] [FieldOffset(0)] public WinAddressFamily Family;
    [UapiName("sin_port")] [FieldOffset(2)] public ushort PortNetworkOrder;
    [UapiName("sin_addr")] [FieldOffset(4)] public InAddr Addr;
    [UapiName("sin_zero")] [FieldOffset(8)] public fixed byte Zero[8];

    /// <summary>The port in host order.</summary>
    public ushort Port
    {
        readonly get => ByteOrder.Swap16(PortNetworkOrder);
        set => PortNetworkOrder = ByteOrder.Swap16(value);
    }
}

/// <summary><c>SOCKADDR_IN6</c> (28 bytes, align 4). The port is big-endian; use <see cref="Port"/>.</summary>
[UapiExternal("SOCKADDR_IN6", 4)]
[StructLayout(LayoutKind.Explicit, Size = 28)]
[KernelCode]
public struct SockAddrIn6
{
    [UapiName("sin6_family")] [FieldOffset(0)] public WinAddressFamily Family;
    [UapiName("sin6_port")] [FieldOffset(2)] public ushort PortNetworkOrder;
    [UapiName("sin6_flowinfo")] [FieldOffset(4)] public uint FlowInfo;
    [UapiName("sin6_addr")] [FieldOffset(8)] public In6Addr Addr;
    [UapiName("sin6_scope_id")] [FieldOffset(24)] public uint ScopeId;

    /// <summary>The port in host order.</summary>
    public ushort Port
    {
        readonly get => ByteOrder.Swap16(PortNetworkOrder);
        set => PortNetworkOrder = ByteOrder.Swap16(value);
    }
}

/// <summary><c>SOCKADDR_STORAGE</c> (128 bytes, align 8); holds a <see cref="SockAddrIn"/> or <see cref="SockAddrIn6"/>.</summary>
[UapiExternal("SOCKADDR_STORAGE", 8)]
[StructLayout(LayoutKind.Explicit, Size = 128)]
[KernelCode]
public unsafe struct SockAddrStorage
{
    [UapiName("ss_family")] [FieldOffset(0)] public WinAddressFamily Family;
    [FieldOffset(8)] public long Alignment;

    /// <summary>The first 28 bytes seen as an IPv4 or IPv6 socket address.</summary>
    [FieldOffset(0)] public SockAddrInet Inet;

    [FieldOffset(0)] public fixed byte Bytes[128];
}

/// <summary>
/// <c>union { SOCKADDR_IN Addr4; SOCKADDR_IN6 Addr6; }</c> (28 bytes), written inline in the header
/// (upstream's Local/Remote/ListenAddress). <see cref="Family"/> tells which member is valid.
/// </summary>
[UapiUnion]
[StructLayout(LayoutKind.Explicit, Size = 28)]
[KernelCode]
public struct SockAddrInet
{
    [FieldOffset(0)] public SockAddrIn Addr4;
    [FieldOffset(0)] public SockAddrIn6 Addr6;

    /// <summary>The family both members share (first two bytes).</summary>
    public readonly WinAddressFamily Family => Addr4.Family;

    /// <summary>True when the family is AF_INET or AF_INET6.</summary>
    public readonly bool IsValid => Family == WinAddressFamily.Inet || Family == WinAddressFamily.Inet6;

    /// <summary>The port in host order (same position in both members).</summary>
    public readonly ushort Port => Addr4.Port;

    /// <summary>The length of the valid member: 16, 28, or 0 for an unknown family.</summary>
    public readonly int Length => SockAddr.LengthOf(Family);
}

/// <summary><c>union { IN_ADDR Addr4; IN6_ADDR Addr6; }</c> (16 bytes), written inline in the header (OVPN_MP_IROUTE.Addr).</summary>
[UapiUnion]
[StructLayout(LayoutKind.Explicit, Size = 16)]
[KernelCode]
public struct InetAddr
{
    [FieldOffset(0)] public InAddr Addr4;
    [FieldOffset(0)] public In6Addr Addr6;
}

/// <summary>Byte-order helpers (kernel subset: shifts only).</summary>
[KernelCode]
public static class ByteOrder
{
    public static ushort Swap16(ushort value) => (ushort)((value >> 8) | (value << 8));

    public static uint Swap32(uint value)
        => (value >> 24) | ((value >> 8) & 0x0000FF00u) | ((value << 8) & 0x00FF0000u) | (value << 24);
}

/// <summary>
/// Checks of socket addresses that arrive from user space (NEW_PEER, MP_NEW_PEER, MP control-packet prefixes).
/// Kernel subset: no exceptions; every check returns a status or a length.
/// </summary>
[KernelCode]
public static class SockAddr
{
    public const int InetSize = 16;
    public const int Inet6Size = 28;

    /// <summary>The sockaddr length of a family: 16 (AF_INET), 28 (AF_INET6), 0 otherwise.</summary>
    public static int LengthOf(WinAddressFamily family)
        => family == WinAddressFamily.Inet ? InetSize : family == WinAddressFamily.Inet6 ? Inet6Size : 0;

    /// <summary>
    /// The length of the socket address at the start of <paramref name="buffer"/> (an MP control-packet prefix),
    /// chosen by its family: 16 or 28. Returns 0 when the family is neither AF_INET nor AF_INET6 or the buffer is
    /// shorter than the address (the caller fails the request with <see cref="NtStatus.InvalidParameter"/>).
    /// </summary>
    public static int PrefixLength(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < 2)
            return 0;
        var family = (WinAddressFamily)(ushort)(buffer[0] | (buffer[1] << 8));
        int length = LengthOf(family);
        return length != 0 && buffer.Length >= length ? length : 0;
    }

    /// <summary>Validates a Local/Remote union: its family must be AF_INET or AF_INET6.</summary>
    public static NtStatus Validate(in SockAddrInet address)
    {
        if (!address.IsValid)
            return NtStatus.InvalidParameter;
        return NtStatus.Success;
    }

    /// <summary>Validates two addresses of one peer: both valid and of the same family.</summary>
    public static NtStatus ValidatePair(in SockAddrInet local, in SockAddrInet remote)
    {
        if (!local.IsValid || !remote.IsValid || local.Family != remote.Family)
            return NtStatus.InvalidParameter;
        return NtStatus.Success;
    }
}
