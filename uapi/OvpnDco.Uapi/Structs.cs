using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi;

// The request and reply structs of the IOCTLs. Explicit layout: the FieldOffsets below ARE the ABI (UAPI.md);
// the header generator asserts that C lays the same fields out at the same offsets.

/// <summary>NEW_PEER input (60 bytes): the P2P peer's local and remote endpoints and transport.</summary>
[UapiStruct("OVPN_NEW_PEER")]
[StructLayout(LayoutKind.Explicit, Size = 60)]
[KernelCode]
public struct OvpnNewPeer
{
    [FieldOffset(0)] public SockAddrInet Local;
    [FieldOffset(28)] public SockAddrInet Remote;
    [FieldOffset(56)] public OvpnProto Proto;
}

/// <summary>GET_STATS output (64 bytes, align 8).</summary>
[UapiStruct("OVPN_STATS")]
[StructLayout(LayoutKind.Explicit, Size = 64)]
[KernelCode]
public struct OvpnStats
{
    [UapiType("LONG")] [FieldOffset(0)] public int LostInControlPackets;
    [UapiType("LONG")] [FieldOffset(4)] public int LostOutControlPackets;
    [UapiType("LONG")] [FieldOffset(8)] public int LostInDataPackets;
    [UapiType("LONG")] [FieldOffset(12)] public int LostOutDataPackets;
    [UapiType("LONG")] [FieldOffset(16)] public int ReceivedDataPackets;
    [UapiType("LONG")] [FieldOffset(20)] public int ReceivedControlPackets;
    [UapiType("LONG")] [FieldOffset(24)] public int SentControlPackets;
    [UapiType("LONG")] [FieldOffset(28)] public int SentDataPackets;
    [FieldOffset(32)] public long TransportBytesSent;
    [FieldOffset(40)] public long TransportBytesReceived;
    [FieldOffset(48)] public long TunBytesSent;
    [FieldOffset(56)] public long TunBytesReceived;
}

/// <summary>One direction's key material (41 bytes, align 1).</summary>
[UapiStruct("OVPN_KEY_DIRECTION")]
[StructLayout(LayoutKind.Explicit, Size = 41)]
[KernelCode]
public unsafe struct OvpnKeyDirection
{
    public const int MaxKeyLength = 32;
    public const int NonceTailLength = 8;

    /// <summary>The key; the first <see cref="KeyLen"/> bytes are used.</summary>
    [FieldOffset(0)] public fixed byte Key[MaxKeyLength];

    /// <summary>16, 24 or 32 (AES-128/192/256-GCM); 32 for ChaCha20-Poly1305.</summary>
    [FieldOffset(32)] public byte KeyLen;

    /// <summary>The implicit IV tail combined with the packet id into the nonce.</summary>
    [FieldOffset(33)] public fixed byte NonceTail[NonceTailLength];
}

/// <summary>NEW_KEY input (100 bytes).</summary>
[UapiStruct("OVPN_CRYPTO_DATA")]
[StructLayout(LayoutKind.Explicit, Size = 100)]
[KernelCode]
public struct OvpnCryptoData
{
    [FieldOffset(0)] public OvpnKeyDirection Encrypt;
    [FieldOffset(41)] public OvpnKeyDirection Decrypt;
    [FieldOffset(84)] public OvpnKeySlot KeySlot;
    [FieldOffset(88)] public OvpnCipherAlg CipherAlg;
    [FieldOffset(92)] public byte KeyId;
    [FieldOffset(96)] public int PeerId;
}

/// <summary>NEW_KEY_V2 input (104 bytes): NEW_KEY plus <see cref="OvpnCryptoOptions"/>.</summary>
[UapiStruct("OVPN_CRYPTO_DATA_V2")]
[StructLayout(LayoutKind.Explicit, Size = 104)]
[KernelCode]
public struct OvpnCryptoDataV2
{
    [FieldOffset(0)] public OvpnCryptoData V1;
    [FieldOffset(100)] public OvpnCryptoOptions CryptoOptions;
}

/// <summary>SET_PEER input (12 bytes). Seconds; -1 = unchanged, 0 = off.</summary>
[UapiStruct("OVPN_SET_PEER")]
[StructLayout(LayoutKind.Explicit, Size = 12)]
[KernelCode]
public struct OvpnSetPeer
{
    [UapiType("LONG")] [FieldOffset(0)] public int KeepaliveInterval;
    [UapiType("LONG")] [FieldOffset(4)] public int KeepaliveTimeout;
    [UapiType("LONG")] [FieldOffset(8)] public int MSS;
}

/// <summary>GET_VERSION output (12 bytes).</summary>
[UapiStruct("OVPN_VERSION")]
[StructLayout(LayoutKind.Explicit, Size = 12)]
[KernelCode]
public struct OvpnVersion
{
    [UapiType("LONG")] [FieldOffset(0)] public int Major;
    [UapiType("LONG")] [FieldOffset(4)] public int Minor;
    [UapiType("LONG")] [FieldOffset(8)] public int Patch;
}

/// <summary>SET_MODE input (4 bytes).</summary>
[UapiStruct("OVPN_SET_MODE")]
[StructLayout(LayoutKind.Explicit, Size = 4)]
[KernelCode]
public struct OvpnSetMode
{
    [FieldOffset(0)] public OvpnMode Mode;
}

/// <summary>MP_START_VPN input (32 bytes): the UDP listen address.</summary>
[UapiStruct("OVPN_MP_START_VPN")]
[StructLayout(LayoutKind.Explicit, Size = 32)]
[KernelCode]
public struct OvpnMpStartVpn
{
    [FieldOffset(0)] public SockAddrInet ListenAddress;

    /// <summary>Non-zero: an AF_INET6 listen socket does not accept IPv4-mapped peers.</summary>
    [FieldOffset(28)] public int IPv6Only;
}

/// <summary>MP_NEW_PEER input (80 bytes).</summary>
[UapiStruct("OVPN_MP_NEW_PEER")]
[StructLayout(LayoutKind.Explicit, Size = 80)]
[KernelCode]
public struct OvpnMpNewPeer
{
    [FieldOffset(0)] public SockAddrInet Local;
    [FieldOffset(28)] public SockAddrInet Remote;
    [FieldOffset(56)] public InAddr VpnAddr4;
    [FieldOffset(60)] public In6Addr VpnAddr6;
    [FieldOffset(76)] public int PeerId;
}

/// <summary>MP_SET_PEER input (16 bytes).</summary>
[UapiStruct("OVPN_MP_SET_PEER")]
[StructLayout(LayoutKind.Explicit, Size = 16)]
[KernelCode]
public struct OvpnMpSetPeer
{
    [FieldOffset(0)] public int PeerId;
    [UapiType("LONG")] [FieldOffset(4)] public int KeepaliveInterval;
    [UapiType("LONG")] [FieldOffset(8)] public int KeepaliveTimeout;
    [UapiType("LONG")] [FieldOffset(12)] public int MSS;
}

/// <summary>NOTIFY_EVENT output (144 bytes, align 8).</summary>
[UapiStruct("OVPN_NOTIFY_EVENT")]
[StructLayout(LayoutKind.Explicit, Size = 144)]
[KernelCode]
public struct OvpnNotifyEvent
{
    [FieldOffset(0)] public OvpnNotifyCmd Cmd;
    [FieldOffset(4)] public int PeerId;
    [FieldOffset(8)] public OvpnDelPeerReason DelPeerReason;

    /// <summary>The peer's new remote address (FLOAT_PEER).</summary>
    [FieldOffset(16)] public SockAddrStorage FloatAddress;
}

/// <summary>MP_DEL_PEER input (4 bytes).</summary>
[UapiStruct("OVPN_MP_DEL_PEER")]
[StructLayout(LayoutKind.Explicit, Size = 4)]
[KernelCode]
public struct OvpnMpDelPeer
{
    [FieldOffset(0)] public int PeerId;
}

/// <summary>GET_PEER_STATS input (4 bytes): the peer, or -1 for every peer.</summary>
[UapiStruct("OVPN_GET_PEER_STATS")]
[StructLayout(LayoutKind.Explicit, Size = 4)]
[KernelCode]
public struct OvpnGetPeerStats
{
    [FieldOffset(0)] public int PeerId;
}

/// <summary>MP_SWAP_KEYS input (4 bytes).</summary>
[UapiStruct("OVPN_MP_SWAP_KEYS")]
[StructLayout(LayoutKind.Explicit, Size = 4)]
[KernelCode]
public struct OvpnMpSwapKeys
{
    [FieldOffset(0)] public int PeerId;
}

/// <summary>MP_ADD_IROUTE / MP_DEL_IROUTE input (28 bytes).</summary>
[UapiStruct("OVPN_MP_IROUTE")]
[StructLayout(LayoutKind.Explicit, Size = 28)]
[KernelCode]
public struct OvpnMpIroute
{
    [FieldOffset(0)] public InetAddr Addr;
    [FieldOffset(16)] public int Netbits;
    [FieldOffset(20)] public int PeerId;

    /// <summary>Non-zero: <see cref="Addr"/> holds an IPv6 network.</summary>
    [FieldOffset(24)] public int IPv6;
}

/// <summary>GET_PEER_STATS output element (40 bytes, align 8). Unconfirmed upstream.</summary>
[UapiStruct("OVPN_PEER_STATS")]
[StructLayout(LayoutKind.Explicit, Size = 40)]
[KernelCode]
public struct OvpnPeerStats
{
    [FieldOffset(0)] public int PeerId;
    [FieldOffset(8)] public long LinkRxBytes;
    [FieldOffset(16)] public long LinkTxBytes;
    [FieldOffset(24)] public long VpnRxBytes;
    [FieldOffset(32)] public long VpnTxBytes;
}
