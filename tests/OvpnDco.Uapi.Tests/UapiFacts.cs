using System;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Tests;

/// <summary>One field of a struct as UAPI.md gives it: C# name, C name, offset, size.</summary>
public sealed record FieldFact(string Field, string CName, int Offset, int Size);

/// <summary>One struct as UAPI.md gives it.</summary>
public sealed record StructFact(Type Type, string CName, int Size, int Alignment, FieldFact[] Fields)
{
    public override string ToString() => CName;
}

/// <summary>One IOCTL as UAPI.md gives it (sizes 0 = none).</summary>
public sealed record IoctlFact(string Field, string CName, int Function, uint Code, Type? Input, int InputSize, Type? Output,
    int OutputSize, IoctlModes Modes)
{
    public override string ToString() => CName;
}

/// <summary>
/// The ABI facts of ../shared/UAPI.md, typed in by hand (independently of the C# definitions and of the generator),
/// so that the C# layout, the generated header and the dispatch table are each checked against the document.
/// </summary>
public static class UapiFacts
{
    private static FieldFact F(string field, int offset, int size, string? cName = null) => new(field, cName ?? field, offset, size);

    public static readonly StructFact[] Structs =
    {
        new(typeof(OvpnNewPeer), "OVPN_NEW_PEER", 60, 4, new[] { F("Local", 0, 28), F("Remote", 28, 28), F("Proto", 56, 4) }),
        new(typeof(OvpnStats), "OVPN_STATS", 64, 8, new[]
        {
            F("LostInControlPackets", 0, 4), F("LostOutControlPackets", 4, 4), F("LostInDataPackets", 8, 4),
            F("LostOutDataPackets", 12, 4), F("ReceivedDataPackets", 16, 4), F("ReceivedControlPackets", 20, 4),
            F("SentControlPackets", 24, 4), F("SentDataPackets", 28, 4), F("TransportBytesSent", 32, 8),
            F("TransportBytesReceived", 40, 8), F("TunBytesSent", 48, 8), F("TunBytesReceived", 56, 8),
        }),
        new(typeof(OvpnKeyDirection), "OVPN_KEY_DIRECTION", 41, 1, new[] { F("Key", 0, 32), F("KeyLen", 32, 1), F("NonceTail", 33, 8) }),
        new(typeof(OvpnCryptoData), "OVPN_CRYPTO_DATA", 100, 4, new[]
        {
            F("Encrypt", 0, 41), F("Decrypt", 41, 41), F("KeySlot", 84, 4), F("CipherAlg", 88, 4), F("KeyId", 92, 1), F("PeerId", 96, 4),
        }),
        new(typeof(OvpnCryptoDataV2), "OVPN_CRYPTO_DATA_V2", 104, 4, new[] { F("V1", 0, 100), F("CryptoOptions", 100, 4) }),
        new(typeof(OvpnSetPeer), "OVPN_SET_PEER", 12, 4, new[] { F("KeepaliveInterval", 0, 4), F("KeepaliveTimeout", 4, 4), F("MSS", 8, 4) }),
        new(typeof(OvpnVersion), "OVPN_VERSION", 12, 4, new[] { F("Major", 0, 4), F("Minor", 4, 4), F("Patch", 8, 4) }),
        new(typeof(OvpnSetMode), "OVPN_SET_MODE", 4, 4, new[] { F("Mode", 0, 4) }),
        new(typeof(OvpnMpStartVpn), "OVPN_MP_START_VPN", 32, 4, new[] { F("ListenAddress", 0, 28), F("IPv6Only", 28, 4) }),
        new(typeof(OvpnMpNewPeer), "OVPN_MP_NEW_PEER", 80, 4, new[]
        {
            F("Local", 0, 28), F("Remote", 28, 28), F("VpnAddr4", 56, 4), F("VpnAddr6", 60, 16), F("PeerId", 76, 4),
        }),
        new(typeof(OvpnMpSetPeer), "OVPN_MP_SET_PEER", 16, 4, new[]
        {
            F("PeerId", 0, 4), F("KeepaliveInterval", 4, 4), F("KeepaliveTimeout", 8, 4), F("MSS", 12, 4),
        }),
        new(typeof(OvpnNotifyEvent), "OVPN_NOTIFY_EVENT", 144, 8, new[]
        {
            F("Cmd", 0, 4), F("PeerId", 4, 4), F("DelPeerReason", 8, 4), F("FloatAddress", 16, 128),
        }),
        new(typeof(OvpnMpDelPeer), "OVPN_MP_DEL_PEER", 4, 4, new[] { F("PeerId", 0, 4) }),
        new(typeof(OvpnMpSwapKeys), "OVPN_MP_SWAP_KEYS", 4, 4, new[] { F("PeerId", 0, 4) }),
        new(typeof(OvpnGetPeerStats), "OVPN_GET_PEER_STATS", 4, 4, new[] { F("PeerId", 0, 4) }),
        new(typeof(OvpnMpIroute), "OVPN_MP_IROUTE", 28, 4, new[] { F("Addr", 0, 16), F("Netbits", 16, 4), F("PeerId", 20, 4), F("IPv6", 24, 4) }),
        new(typeof(OvpnPeerStats), "OVPN_PEER_STATS", 40, 8, new[]
        {
            F("PeerId", 0, 4), F("LinkRxBytes", 8, 8), F("LinkTxBytes", 16, 8), F("VpnRxBytes", 24, 8), F("VpnTxBytes", 32, 8),
        }),
    };

    /// <summary>The Windows types (UAPI.md "General"), with the platform's field names.</summary>
    public static readonly StructFact[] PlatformTypes =
    {
        new(typeof(SockAddrIn), "SOCKADDR_IN", 16, 4, new[]
        {
            F("Family", 0, 2, "sin_family"), F("PortNetworkOrder", 2, 2, "sin_port"), F("Addr", 4, 4, "sin_addr"), F("Zero", 8, 8, "sin_zero"),
        }),
        new(typeof(SockAddrIn6), "SOCKADDR_IN6", 28, 4, new[]
        {
            F("Family", 0, 2, "sin6_family"), F("PortNetworkOrder", 2, 2, "sin6_port"), F("FlowInfo", 4, 4, "sin6_flowinfo"),
            F("Addr", 8, 16, "sin6_addr"), F("ScopeId", 24, 4, "sin6_scope_id"),
        }),
        new(typeof(InAddr), "IN_ADDR", 4, 4, Array.Empty<FieldFact>()),
        new(typeof(In6Addr), "IN6_ADDR", 16, 2, Array.Empty<FieldFact>()),
        new(typeof(SockAddrStorage), "SOCKADDR_STORAGE", 128, 8, new[] { F("Family", 0, 2, "ss_family") }),
    };

    private static IoctlFact I(string field, string name, int fn, uint code, Type? input, int inSize, Type? output, int outSize, IoctlModes modes)
        => new(field, "OVPN_IOCTL_" + name, fn, code, input, inSize, output, outSize, modes);

    public static readonly IoctlFact[] Ioctls =
    {
        I("NewPeer", "NEW_PEER", 1, 0x00220004, typeof(OvpnNewPeer), 60, null, 0, IoctlModes.P2P),
        I("GetStats", "GET_STATS", 2, 0x00220008, null, 0, typeof(OvpnStats), 64, IoctlModes.Any),
        I("NewKey", "NEW_KEY", 3, 0x0022000C, typeof(OvpnCryptoData), 100, null, 0, IoctlModes.Any),
        I("SwapKeys", "SWAP_KEYS", 4, 0x00220010, null, 0, null, 0, IoctlModes.P2P),
        I("SetPeer", "SET_PEER", 5, 0x00220014, typeof(OvpnSetPeer), 12, null, 0, IoctlModes.P2P),
        I("StartVpn", "START_VPN", 6, 0x00220018, null, 0, null, 0, IoctlModes.P2P),
        I("DelPeer", "DEL_PEER", 7, 0x0022001C, null, 0, null, 0, IoctlModes.P2P),
        I("GetVersion", "GET_VERSION", 8, 0x00220020, null, 0, typeof(OvpnVersion), 12, IoctlModes.Any | IoctlModes.ControlDevice),
        I("NewKeyV2", "NEW_KEY_V2", 9, 0x00220024, typeof(OvpnCryptoDataV2), 104, null, 0, IoctlModes.Any),
        I("SetMode", "SET_MODE", 10, 0x00220028, typeof(OvpnSetMode), 4, null, 0, IoctlModes.Any),
        I("MpStartVpn", "MP_START_VPN", 11, 0x0022002C, typeof(OvpnMpStartVpn), 32, null, 0, IoctlModes.MP),
        I("MpNewPeer", "MP_NEW_PEER", 12, 0x00220030, typeof(OvpnMpNewPeer), 80, null, 0, IoctlModes.MP),
        I("MpSetPeer", "MP_SET_PEER", 13, 0x00220034, typeof(OvpnMpSetPeer), 16, null, 0, IoctlModes.MP),
        I("NotifyEvent", "NOTIFY_EVENT", 14, 0x00220038, null, 0, typeof(OvpnNotifyEvent), 144, IoctlModes.MP),
        I("MpDelPeer", "MP_DEL_PEER", 15, 0x0022003C, typeof(OvpnMpDelPeer), 4, null, 0, IoctlModes.MP),
        I("MpSwapKeys", "MP_SWAP_KEYS", 16, 0x00220040, typeof(OvpnMpSwapKeys), 4, null, 0, IoctlModes.MP),
        I("MpAddIroute", "MP_ADD_IROUTE", 17, 0x00220044, typeof(OvpnMpIroute), 28, null, 0, IoctlModes.MP),
        I("MpDelIroute", "MP_DEL_IROUTE", 18, 0x00220048, typeof(OvpnMpIroute), 28, null, 0, IoctlModes.MP),
        I("GetPeerStats", "GET_PEER_STATS", 19, 0x0022004C, typeof(OvpnGetPeerStats), 4, typeof(uint), 4, IoctlModes.P2P | IoctlModes.MP),
    };

    /// <summary>(C name, value) of every enum constant in UAPI.md, as the header must define them.</summary>
    public static readonly (string Name, long Value)[] EnumConstants =
    {
        ("OVPN_PROTO_UDP", 0), ("OVPN_PROTO_TCP", 1),
        ("OVPN_KEY_SLOT_PRIMARY", 0), ("OVPN_KEY_SLOT_SECONDARY", 1),
        ("OVPN_CIPHER_ALG_NONE", 0), ("OVPN_CIPHER_ALG_AES_GCM", 1), ("OVPN_CIPHER_ALG_CHACHA20_POLY1305", 2),
        ("OVPN_MODE_P2P", 0), ("OVPN_MODE_MP", 1),
        ("OVPN_CMD_DEL_PEER", 0), ("OVPN_CMD_SWAP_KEYS", 1), ("OVPN_CMD_FLOAT_PEER", 2),
        ("OVPN_DEL_PEER_REASON_TEARDOWN", 0), ("OVPN_DEL_PEER_REASON_USERSPACE", 1), ("OVPN_DEL_PEER_REASON_EXPIRED", 2),
        ("OVPN_DEL_PEER_REASON_TRANSPORT_ERROR", 3), ("OVPN_DEL_PEER_REASON_TRANSPORT_DISCONNECT", 4),
        ("CRYPTO_OPTIONS_AEAD_TAG_END", 1 << 1), ("CRYPTO_OPTIONS_64BIT_PKTID", 1 << 2),
        ("CRYPTO_OPTIONS_EPOCH", 1 << 3), // unconfirmed value upstream: our decision
    };

    /// <summary>(C typedef, C# type) of every enum type.</summary>
    public static readonly (string CName, Type Type)[] EnumTypes =
    {
        ("OVPN_PROTO", typeof(OvpnProto)), ("OVPN_KEY_SLOT", typeof(OvpnKeySlot)), ("OVPN_CIPHER_ALG", typeof(OvpnCipherAlg)),
        ("OVPN_MODE", typeof(OvpnMode)), ("OVPN_NOTIFY_CMD", typeof(OvpnNotifyCmd)), ("OVPN_DEL_PEER_REASON", typeof(OvpnDelPeerReason)),
    };
}
