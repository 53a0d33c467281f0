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
/// <see cref="OvpnCryptoDataV2.CryptoOptions"/> bits. <see cref="Epoch"/> is <c>1 &lt;&lt; 1</c> as in upstream
/// ovpn-dco-win and OpenVPN's <c>ovpn_dco_win.h</c>; no other bit is defined (a pre-release header's AEAD_TAG_END and
/// 64BIT_PKTID were never used by a client and collide with it).
/// </summary>
[Flags]
[UapiEnum("CRYPTO_OPTIONS", Prefix = "CRYPTO_OPTIONS_", Defines = true)]
public enum OvpnCryptoOptions : uint
{
    /// <summary>
    /// Epoch data keys (OpenVPN 2.7+, used against drivers reporting 2.8 or later): Key[] holds the 32-byte epoch key
    /// E1 of each direction, KeyLen the cipher's key size; the driver derives every data key and implicit IV itself.
    /// </summary>
    Epoch = 1u << 1,
}
