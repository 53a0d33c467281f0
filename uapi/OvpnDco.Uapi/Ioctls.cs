using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi;

/// <summary>
/// The IOCTL codes of <c>\\.\ovpn-dco</c>: <c>CTL_CODE(FILE_DEVICE_UNKNOWN, fn, METHOD_BUFFERED, FILE_ANY_ACCESS)</c>
/// = <c>0x00220000 | (fn &lt;&lt; 2)</c>. Each constant carries its request shape (input, output, modes); the uapi
/// header generator checks every value against the formula.
/// </summary>
[KernelCode]
public static class OvpnIoctl
{
    /// <summary>Creates the P2P peer (sockets bound to Local, connected to Remote). TCP: pends until connected.</summary>
    [UapiIoctl("OVPN_IOCTL_NEW_PEER", 1, Input = typeof(OvpnNewPeer), Modes = IoctlModes.P2P)]
    public const uint NewPeer = 0x00220004;

    /// <summary>Device and transport counters.</summary>
    [UapiIoctl("OVPN_IOCTL_GET_STATS", 2, Output = typeof(OvpnStats), Modes = IoctlModes.Any)]
    public const uint GetStats = 0x00220008;

    /// <summary>Installs a data-channel key in a slot (PeerId is used in MP mode).</summary>
    [UapiIoctl("OVPN_IOCTL_NEW_KEY", 3, Input = typeof(OvpnCryptoData), Modes = IoctlModes.Any)]
    public const uint NewKey = 0x0022000C;

    /// <summary>Swaps the primary and secondary key slots (P2P).</summary>
    [UapiIoctl("OVPN_IOCTL_SWAP_KEYS", 4, Modes = IoctlModes.P2P)]
    public const uint SwapKeys = 0x00220010;

    /// <summary>Keepalive interval/timeout and MSS of the P2P peer.</summary>
    [UapiIoctl("OVPN_IOCTL_SET_PEER", 5, Input = typeof(OvpnSetPeer), Modes = IoctlModes.P2P)]
    public const uint SetPeer = 0x00220014;

    /// <summary>Sets the adapter link Connected (P2P).</summary>
    [UapiIoctl("OVPN_IOCTL_START_VPN", 6, Modes = IoctlModes.P2P)]
    public const uint StartVpn = 0x00220018;

    /// <summary>Deletes the P2P peer; always succeeds.</summary>
    [UapiIoctl("OVPN_IOCTL_DEL_PEER", 7, Modes = IoctlModes.P2P)]
    public const uint DelPeer = 0x0022001C;

    /// <summary>The driver version (also answered by the control device).</summary>
    [UapiIoctl("OVPN_IOCTL_GET_VERSION", 8, Output = typeof(OvpnVersion), Modes = IoctlModes.Any | IoctlModes.ControlDevice)]
    public const uint GetVersion = 0x00220020;

    /// <summary>NEW_KEY with crypto options (tag position, 64-bit packet ids, epoch keys).</summary>
    [UapiIoctl("OVPN_IOCTL_NEW_KEY_V2", 9, Input = typeof(OvpnCryptoDataV2), Modes = IoctlModes.Any)]
    public const uint NewKeyV2 = 0x00220024;

    /// <summary>Selects P2P or MP; only before anything else, only once.</summary>
    [UapiIoctl("OVPN_IOCTL_SET_MODE", 10, Input = typeof(OvpnSetMode), Modes = IoctlModes.Any)]
    public const uint SetMode = 0x00220028;

    /// <summary>Opens the MP UDP listen socket.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_START_VPN", 11, Input = typeof(OvpnMpStartVpn), Modes = IoctlModes.MP)]
    public const uint MpStartVpn = 0x0022002C;

    /// <summary>Adds an MP peer.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_NEW_PEER", 12, Input = typeof(OvpnMpNewPeer), Modes = IoctlModes.MP)]
    public const uint MpNewPeer = 0x00220030;

    /// <summary>Keepalive and MSS of one MP peer.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_SET_PEER", 13, Input = typeof(OvpnMpSetPeer), Modes = IoctlModes.MP)]
    public const uint MpSetPeer = 0x00220034;

    /// <summary>Pends until a peer event (deleted, keys swapped, floated) and returns it.</summary>
    [UapiIoctl("OVPN_IOCTL_NOTIFY_EVENT", 14, Output = typeof(OvpnNotifyEvent), Modes = IoctlModes.MP)]
    public const uint NotifyEvent = 0x00220038;

    /// <summary>Deletes an MP peer.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_DEL_PEER", 15, Input = typeof(OvpnMpDelPeer), Modes = IoctlModes.MP)]
    public const uint MpDelPeer = 0x0022003C;

    /// <summary>Swaps the key slots of an MP peer.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_SWAP_KEYS", 16, Input = typeof(OvpnMpSwapKeys), Modes = IoctlModes.MP)]
    public const uint MpSwapKeys = 0x00220040;

    /// <summary>Routes a network (iroute) to an MP peer.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_ADD_IROUTE", 17, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    public const uint MpAddIroute = 0x00220044;

    /// <summary>Removes an iroute.</summary>
    [UapiIoctl("OVPN_IOCTL_MP_DEL_IROUTE", 18, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    public const uint MpDelIroute = 0x00220048;

    /// <summary>
    /// Per-peer counters, P2P and MP. Input: <see cref="OvpnGetPeerStats"/> (-1 = all peers); output: one
    /// <see cref="OvpnPeerStats"/> or, for -1, an array of them; with -1 a buffer smaller than one entry is the size
    /// query (STATUS_BUFFER_OVERFLOW, a 4-byte size in bytes) that OpenVPN 2.7 makes first.
    /// </summary>
    [UapiIoctl("OVPN_IOCTL_GET_PEER_STATS", 19, Input = typeof(OvpnGetPeerStats), Output = typeof(uint), Modes = IoctlModes.P2P | IoctlModes.MP)]
    public const uint GetPeerStats = 0x0022004C;

    /// <summary>The highest function number defined.</summary>
    public const int LastFunction = 19;
}
