using OvpnDco.Runtime;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// One peer (the single P2P peer, or an MP client): endpoints, key slots, keepalive, TCP receive state, MSS and
/// per-peer counters. Allocated from the platform (<see cref="Proto.TagPeer"/>) and owned by the device's
/// <see cref="PeerStore"/>: everything else names a peer by its <see cref="PeerRef"/> (see driver/README.md, ownership).
/// </summary>
[OwnedBy(typeof(PeerSlot))]
public unsafe struct Peer
{
    /// <summary>This peer's reference in the store (what tables, routes and the timer heap hold).</summary>
    public PeerRef Self;
    public int PeerId;
    public OvpnProto Proto;
    public SockAddrInet Local;
    public SockAddrInet Remote;
    public InAddr VpnAddr4;
    public In6Addr VpnAddr6;
    public int HasVpn4;
    public int HasVpn6;
    public KeySlots Keys;

    /// <summary>Seconds; 0 = off.</summary>
    public int KeepaliveInterval;
    public int KeepaliveTimeout;
    public int Mss;

    /// <summary>Set once the keepalive timeout fired (reported once).</summary>
    public int Expired;

    /// <summary>P2P TCP: 1 while NEW_PEER waits for the connection.</summary>
    public int Connecting;

    /// <summary>Route-table entries that point at this peer (its VPN addresses and iroutes); kept by Routes alone.</summary>
    public int RouteCount;
    public TcpRx Tcp;

    // What rx and tx change on every packet, one direction per cache line (each 24 bytes + 104 of padding, and 64
    // before the first: the rx and tx threads of this peer never write a line the other one reads or writes).
    private fixed long _readOnlyPadding[8];
    public long LastRecvMs;
    public long LinkRxBytes;
    public long VpnRxBytes;
    private fixed long _rxPadding[13];
    public long LastSentMs;
    public long LinkTxBytes;
    public long VpnTxBytes;
    private fixed long _txPadding[13];
}
