using System;

namespace OvpnDco.Driver;

/// <summary>The opcode in the top five bits of a packet's first byte (upstream's P_* names, PROTOCOL.md).</summary>
public enum Opcode
{
    ControlHardResetClientV1 = 1,
    ControlHardResetServerV1 = 2,
    ControlSoftResetV1 = 3,
    ControlV1 = 4,
    AckV1 = 5,
    DataV1 = 6,
    ControlHardResetClientV2 = 7,
    ControlHardResetServerV2 = 8,

    /// <summary>P_DATA_V2: the only opcode the driver decrypts.</summary>
    DataV2 = 9,
    ControlHardResetClientV3 = 10,
    ControlWkcV1 = 11,
}

/// <summary>Wire constants of the OpenVPN data channel (PROTOCOL.md).</summary>
public static class Proto
{
    public const int OpcodeShift = 3;
    public const int KeyIdMask = 7;


    /// <summary>Header of a DATA_V2 packet: one big-endian u32 (opcode | key id | 24-bit peer id).</summary>
    public const int HeaderSize = 4;
    public const int PeerIdMask = 0xFFFFFF;

    /// <summary>Peer id of a packet whose sender has none: look the peer up by transport address.</summary>
    public const int PeerIdUndefined = 0xFFFFFF;

    public const int PacketIdSize = 4;
    /// <summary>Epoch format: 16-bit epoch | 48-bit per-epoch counter (OpenVPN packet_id.h).</summary>
    public const int EpochPacketIdSize = 8;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const int NonceTailSize = 8;

    /// <summary>Largest plaintext the data path handles (adapter MTU is at most 1500).</summary>
    public const int MaxPlaintext = 2000;

    /// <summary>Largest packet on the wire (header + 8-byte id + tag + plaintext) plus the TCP length prefix.</summary>
    public const int MaxWire = 2048 + 2;

    /// <summary>Largest TCP frame (UAPI.md: length 0 or &gt; 2048 resets the stream).</summary>
    public const int MaxTcpFrame = 2048;

    /// <summary>The most a data packet adds to its payload on the wire: header + epoch packet id + tag.</summary>
    public const int MaxOverhead = HeaderSize + EpochPacketIdSize + TagSize;

    /// <summary>Tx packet ids at or above this are refused (32-bit ids; UAPI.md).</summary>
    public const ulong PacketIdLimit32 = 0xF0000000u;

    /// <summary>Largest per-epoch counter (OpenVPN packet_id.h PACKET_ID_EPOCH_MAX): never exceeded, never wraps.</summary>
    public const ulong EpochCounterMax = 0x0000FFFFFFFFFFFFul;

    /// <summary>Replay floor rises to the highest id after this long without an accepted packet.</summary>
    public const long ReplayIdleMs = 30000;

    /// <summary>Keepalive ping payload (16 bytes).</summary>
    public static ReadOnlySpan<byte> PingMagic => new byte[]
    {
        0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb, 0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
    };

    public static uint MakeHeader(int keyId, int peerId)
        => ((uint)Opcode.DataV2 << 27) | ((uint)(keyId & KeyIdMask) << 24) | ((uint)peerId & PeerIdMask);

    public static Opcode OpcodeOf(byte first) => (Opcode)(first >> OpcodeShift);

    public static int KeyId(byte first) => first & KeyIdMask;

    /// <summary>
    /// The control-channel opcodes user space handles. Not 0 (unused), the obsolete V1 resets, DATA_V1 (data the
    /// driver does not implement) or 12..31 (undefined).
    /// </summary>
    public static bool IsControlOpcode(Opcode opcode)
        => opcode == Opcode.ControlSoftResetV1 || opcode == Opcode.ControlV1 || opcode == Opcode.AckV1 ||
           opcode == Opcode.ControlHardResetClientV2 || opcode == Opcode.ControlHardResetServerV2 ||
           opcode == Opcode.ControlHardResetClientV3 || opcode == Opcode.ControlWkcV1;

    /// <summary>A keepalive ping: the payload starts with the 16-byte magic (upstream compares the prefix only).</summary>
    public static bool IsPing(ReadOnlySpan<byte> payload)
        => payload.Length >= 16 && payload.Slice(0, 16).SequenceEqual(PingMagic);

    /// <summary>
    /// Driver version reported by GET_VERSION: 2.8.0. OpenVPN (dco_win.c) uses multipeer when Major ≥ 2 and epoch data
    /// keys (NEW_KEY_V2 + CRYPTO_OPTIONS_EPOCH) only when the version is ≥ 2.8; see uapi/README.md.
    /// </summary>
    public const int VersionMajor = 2;
    public const int VersionMinor = 8;
    public const int VersionPatch = 0;

    /// <summary>Pool tags ("Ovpn" family, little-endian four-character codes).</summary>
    /// <summary>Slots of the per-CPU counters (a power of two; CPUs beyond share slots, atomically).</summary>
    public const int CpuSlots = 32;

    public const uint TagState = 0x7453764F;   // 'OvSt'
    public const uint TagPeer = 0x7250764F;    // 'OvPr'
    public const uint TagTable = 0x6254764F;   // 'OvTb'
    public const uint TagQueue = 0x7551764F;   // 'OvQu'
    public const uint TagTcp = 0x6354764F;     // 'OvTc'
    public const uint TagEpoch = 0x7045764F;   // 'OvEp'
}
