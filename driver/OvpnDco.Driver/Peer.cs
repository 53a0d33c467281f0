using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// One peer (the single P2P peer, or an MP client): endpoints, key slots, keepalive, TCP receive state, MSS and
/// per-peer counters. Allocated from the platform (<see cref="Proto.TagPeer"/>), linked into the device's peer list.
/// </summary>
public unsafe struct Peer
{
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
    public long LastSentMs;
    public long LastRecvMs;

    /// <summary>Set once the keepalive timeout fired (reported once).</summary>
    public int Expired;

    /// <summary>P2P TCP: 1 while NEW_PEER waits for the connection.</summary>
    public int Connecting;
    public int IrouteCount;
    public TcpRx Tcp;

    public long LinkRxBytes;
    public long LinkTxBytes;
    public long VpnRxBytes;
    public long VpnTxBytes;

    public Peer* Next;
    public Peer* Prev;

    /// <summary>Keepalive heap position + 1 (0 = not queued) and the deadline it is queued at.</summary>
    public int HeapSlot;
    public long HeapDeadline;
}
