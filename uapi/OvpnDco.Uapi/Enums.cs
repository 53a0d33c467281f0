using System;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi;

/// <summary>Transport protocol of a P2P peer.</summary>
[UapiEnum("OVPN_PROTO", Prefix = "OVPN_PROTO_")]
public enum OvpnProto
{
    Udp = 0,
    Tcp = 1,
}

/// <summary>Key slot of NEW_KEY.</summary>
[UapiEnum("OVPN_KEY_SLOT", Prefix = "OVPN_KEY_SLOT_")]
public enum OvpnKeySlot
{
    Primary = 0,
    Secondary = 1,
}

/// <summary>Data-channel cipher.</summary>
[UapiEnum("OVPN_CIPHER_ALG", Prefix = "OVPN_CIPHER_ALG_")]
public enum OvpnCipherAlg
{
    None = 0,
    AesGcm = 1,
    [UapiName("OVPN_CIPHER_ALG_CHACHA20_POLY1305")]
    ChaCha20Poly1305 = 2,
}

/// <summary>Device mode (SET_MODE).</summary>
[UapiEnum("OVPN_MODE", Prefix = "OVPN_MODE_")]
public enum OvpnMode
{
    P2P = 0,
    MP = 1,
}

/// <summary>What a NOTIFY_EVENT reports.</summary>
[UapiEnum("OVPN_NOTIFY_CMD", Prefix = "OVPN_CMD_")]
public enum OvpnNotifyCmd
{
    DelPeer = 0,
    SwapKeys = 1,
    FloatPeer = 2,
}

/// <summary>Why a peer was deleted (NOTIFY_EVENT with <see cref="OvpnNotifyCmd.DelPeer"/>).</summary>
[UapiEnum("OVPN_DEL_PEER_REASON", Prefix = "OVPN_DEL_PEER_REASON_")]
public enum OvpnDelPeerReason
{
    Teardown = 0,
    Userspace = 1,
    Expired = 2,
    TransportError = 3,
    TransportDisconnect = 4,
}

/// <summary>
/// <see cref="OvpnCryptoDataV2.CryptoOptions"/> bits. <see cref="Epoch"/>'s value is unconfirmed upstream
/// (we use the next free bit, 1 &lt;&lt; 3; see uapi/README.md).
/// </summary>
[Flags]
[UapiEnum("CRYPTO_OPTIONS", Prefix = "CRYPTO_OPTIONS_", Defines = true)]
public enum OvpnCryptoOptions : uint
{
    /// <summary>The AEAD tag follows the ciphertext (instead of preceding it).</summary>
    AeadTagEnd = 1u << 1,

    /// <summary>8-byte packet ids on the wire.</summary>
    [UapiName("CRYPTO_OPTIONS_64BIT_PKTID")]
    PacketId64Bit = 1u << 2,

    /// <summary>Epoch data keys (OpenVPN 2.7). Unconfirmed value.</summary>
    Epoch = 1u << 3,
}
