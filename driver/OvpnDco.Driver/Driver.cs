using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// The state of one device instance (allocated from the platform; every entry point takes a pointer to it, so any
/// number of instances coexist in one process).
/// </summary>
public unsafe struct DriverState
{
    /// <summary>Opaque value passed back to every per-instance platform call.</summary>
    public nint PlatformContext;

    /// <summary>
    /// The device lock: shared for rx/tx, exclusive for everything else (driver/README.md, "Concurrency").
    /// </summary>
    public PlatformLock Lock;

    /// <summary>
    /// Guards <see cref="Control"/> against concurrent rx (control packets arrive on the shared side). Taken only
    /// inside <see cref="Lock"/> held shared; an exclusive holder of <see cref="Lock"/> needs no other lock.
    /// </summary>
    public PlatformLock ControlLock;
    public OvpnMode Mode;
    public int ModeLocked;

    /// <summary>P2P: START_VPN done. MP: MP_START_VPN done (listen socket open).</summary>
    public int Started;
    public int Listening;

    /// <summary>Owner of every peer; the rest of the state names peers by <see cref="PeerRef"/>.</summary>
    public PeerStore Peers;

    /// <summary>P2P: the single peer (None when there is none).</summary>
    public PeerRef P2p;

    public PeerTable ById;
    public PeerTable ByRemote;
    public RouteTable Routes;

    public ControlQueue Control;
    public EventQueue Events;

    /// <summary>NEW_PEER (TCP) requests pended until the connection completes.</summary>
    public int NewPeerPending;

    /// <summary>
    /// Which transport the device has open: counted up (never 0) each time the core opens one, under its lock. A
    /// platform whose connect completion or stream event can still be on its way after the core closed that transport
    /// and opened the next (a WSK completion routine on another CPU) passes the number it read at open, and the core
    /// drops what belongs to an earlier transport (see <c>Driver.TransportNumber</c>).
    /// </summary>
    public uint TransportNumber;

    /// <summary>When the device timer is armed for (0 = not armed).</summary>
    public long TimerDue;

    /// <summary>Peers with a keepalive deadline, earliest first.</summary>
    public TimerHeap Timers;
    public DriverStats Stats;

    /// <summary>The per-packet counters, <see cref="Proto.CpuSlots"/> slots (see <see cref="CpuCounters"/>).</summary>
    public CpuCounters* PerCpu;
}

/// <summary>
/// The driver core, generic over the platform. Entry points (all take the instance's <see cref="DriverState"/>*):
/// <see cref="Create"/>/<see cref="Destroy"/>, <see cref="DeviceIoControl"/>, <see cref="OnTransportReceive"/> (UDP
/// datagram), <see cref="OnTransportStream"/> (TCP bytes), <see cref="OnTransportConnected"/>,
/// <see cref="OnTransportDisconnected"/>, <see cref="OnAdapterTransmit"/>, <see cref="ReadControl"/>,
/// <see cref="CancelRead"/>, <see cref="WriteControl"/>, <see cref="CancelPending"/>, <see cref="OnTimer"/>.
/// Rx and tx (<see cref="OnTransportReceive"/>, <see cref="OnTransportStream"/>, <see cref="OnAdapterTransmit"/>) take
/// the device lock shared and run on any number of CPUs at once; every other entry point takes it exclusive for its
/// whole duration (driver/README.md, "Concurrency").
/// </summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    private const int InitialTableCapacity = 64;
    private const int InitialPeerCapacity = 16;

    /// <summary>Creates a device instance; null when memory is short.</summary>
    [Irql(KIrql.Passive)]
    public static DriverState* Create(nint platformContext)
    {
        var s = (DriverState*)TPlatform.Alloc((nuint)sizeof(DriverState), Proto.TagState);
        if (s == null)
            return null;
        s->PlatformContext = platformContext;
        if (!TPlatform.LockInit(ref s->Lock).IsSuccess())
        {
            TPlatform.Free(s, Proto.TagState);
            return null;
        }
        if (!TPlatform.LockInit(ref s->ControlLock).IsSuccess())
        {
            TPlatform.LockDestroy(ref s->Lock);
            TPlatform.Free(s, Proto.TagState);
            return null;
        }
        s->Mode = OvpnMode.P2P;
        s->Control.Pending = (PendingRead*)TPlatform.Alloc((nuint)(ControlQueue.PendingDepth * sizeof(PendingRead)), Proto.TagQueue);
        s->Events.Items = (OvpnNotifyEvent*)TPlatform.Alloc((nuint)(EventQueue.Depth * sizeof(OvpnNotifyEvent)), Proto.TagQueue);
        s->PerCpu = (CpuCounters*)TPlatform.Alloc((nuint)(Proto.CpuSlots * sizeof(CpuCounters)), Proto.TagState);
        bool ok = s->Control.Pending != null && s->Events.Items != null && s->PerCpu != null
            && PeerStoreOps<TPlatform>.Init(ref s->Peers, InitialPeerCapacity).IsSuccess()
            && PeerTableOps<TPlatform>.Init(ref s->ById, InitialTableCapacity).IsSuccess()
            && PeerTableOps<TPlatform>.Init(ref s->ByRemote, InitialTableCapacity).IsSuccess()
            && PeerTableOps<TPlatform>.Init(ref s->Routes.Table, InitialTableCapacity).IsSuccess();
        if (!ok)
        {
            FreeState(s);
            return null;
        }
        return s;
    }

    private static void FreeState(DriverState* s)
    {
        if (s->Control.Pending != null)
            TPlatform.Free(s->Control.Pending, Proto.TagQueue);
        if (s->Events.Items != null)
            TPlatform.Free(s->Events.Items, Proto.TagQueue);
        if (s->PerCpu != null)
            TPlatform.Free(s->PerCpu, Proto.TagState);
        PeerStoreOps<TPlatform>.Free(ref s->Peers);
        PeerTableOps<TPlatform>.Free(ref s->ById);
        PeerTableOps<TPlatform>.Free(ref s->ByRemote);
        PeerTableOps<TPlatform>.Free(ref s->Routes.Table);
        TimerHeapOps<TPlatform>.Free(ref s->Timers);
        TPlatform.LockDestroy(ref s->ControlLock);
        TPlatform.LockDestroy(ref s->Lock);
        TPlatform.Free(s, Proto.TagState);
    }

    /// <summary>
    /// Handle close / device removal: cancels pending reads, deletes every peer, frees everything. The platform must
    /// first stop its sockets and its timer (waiting for a running <see cref="OnTimer"/> or receive callback): no
    /// entry point may run during or after Destroy. <see cref="IPlatform.TimerCancel"/> and
    /// <see cref="IPlatform.TransportClose"/> are still called and must tolerate an already stopped timer/socket.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static void Destroy(DriverState* s)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        CancelAllReads(s);
        DeleteAllPeers(s);
        TPlatform.TimerCancel(s->PlatformContext);
        TPlatform.TransportClose(s->PlatformContext);
        if (s->Started != 0)
        {
            s->Started = 0;
            TPlatform.AdapterSetLink(s->PlatformContext, false); // only the handle's close takes the link down
        }
        TPlatform.LockRelease(ref s->Lock, irql);
        FreeState(s);
    }

    /// <summary>One IOCTL on the main device (<paramref name="controlDevice"/>: on <c>\\.\ovpn-dco-ver</c>).</summary>
    [Irql(KIrql.Passive)]
    public static NtStatus DeviceIoControl(DriverState* s, uint code, ReadOnlySpan<byte> input, Span<byte> output,
        ref int bytesReturned, bool controlDevice)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        IoctlModes mode = controlDevice ? IoctlModes.ControlDevice : s->Mode == OvpnMode.MP ? IoctlModes.MP : IoctlModes.P2P;
        var status = DispatchIoctl(ref *s, mode, code, input, output, ref bytesReturned);
        if (!controlDevice && (status.IsSuccess() || status == NtStatus.Pending)
            && code != OvpnIoctl.GetVersion && code != OvpnIoctl.GetStats)
            s->ModeLocked = 1;
        TPlatform.LockRelease(ref s->Lock, irql);
        return status;
    }

    /// <summary>The platform cancelled a request of <paramref name="kind"/> that the driver had pended.</summary>
    [Irql(KIrql.Dispatch)]
    public static void CancelPending(DriverState* s, PendingKind kind)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        if (kind == PendingKind.NotifyEvent)
        {
            if (s->Events.Pending > 0)
                s->Events.Pending--;
        }
        else if (s->NewPeerPending > 0)
        {
            // The TCP NEW_PEER was cancelled: the half-open connection and its peer go with it.
            s->NewPeerPending = 0;
            Peer* p = P2pPeer(s);
            if (p != null && p->Connecting != 0)
            {
                DeletePeer(s, p);
                TPlatform.TransportClose(s->PlatformContext);
            }
        }
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    private static DriverState* StatePtr(ref DriverState state) => (DriverState*)Unsafe.AsPointer(ref state);

    /// <summary>The calling CPU's slot of the per-packet counters.</summary>
    private static CpuCounters* MyCounters(DriverState* s) => s->PerCpu + (TPlatform.CurrentProcessor() & (Proto.CpuSlots - 1));

    // ---- peers ----

    /// <summary>The P2P peer, null when none (or in MP mode).</summary>
    private static Peer* P2pPeer(DriverState* s) => PeerStoreOps<TPlatform>.Get(ref s->Peers, s->P2p);

    private static Peer* Resolve(DriverState* s, PeerRef reference) => PeerStoreOps<TPlatform>.Get(ref s->Peers, reference);

    /// <summary>Allocates a peer and stores it; null when memory is short (nothing is left behind).</summary>
    private static Peer* NewPeerObject(DriverState* s, int peerId, OvpnProto proto, in SockAddrInet local, in SockAddrInet remote)
    {
        var p = (Peer*)TPlatform.Alloc((nuint)sizeof(Peer), Proto.TagPeer);
        if (p == null)
            return null;
        if (proto == OvpnProto.Tcp)
        {
            p->Tcp.Buffer = (byte*)TPlatform.Alloc(Proto.MaxTcpFrame, Proto.TagTcp);
            if (p->Tcp.Buffer == null)
            {
                TPlatform.Free(p, Proto.TagPeer);
                return null;
            }
        }
        if (!PeerStoreOps<TPlatform>.Insert(ref s->Peers, p, out p->Self).IsSuccess())
        {
            if (p->Tcp.Buffer != null)
                TPlatform.Free(p->Tcp.Buffer, Proto.TagTcp);
            TPlatform.Free(p, Proto.TagPeer);
            return null;
        }
        p->PeerId = peerId;
        p->Proto = proto;
        p->Local = local;
        p->Remote = remote;
        long now = TPlatform.NowMs();
        p->LastSentMs = now;
        p->LastRecvMs = now;
        return p;
    }

    /// <summary>
    /// Unlinks <paramref name="p"/> from every table and every route that points at it (<see cref="Peer.RouteCount"/>
    /// tells when none is left), takes it off the timer heap, retires its reference, zeroes its keys and frees it.
    /// </summary>
    [Irql(KIrql.Dispatch), RequiresLock("s->Lock")]
    private static void DeletePeer(DriverState* s, Peer* p)
    {
        PeerRef self = p->Self;
        if (s->Mode == OvpnMode.MP)
        {
            PeerTableOps<TPlatform>.Remove(ref s->ById, TableKey.ForPeerId(p->PeerId), self);
            PeerTableOps<TPlatform>.Remove(ref s->ByRemote, TableKey.ForRemote(p->Remote), self);
            if (p->HasVpn4 != 0)
                Routes<TPlatform>.Remove(ref s->Routes, ref s->Peers, WinAddressFamily.Inet, p->VpnAddr4.Bytes, 32, self);
            if (p->HasVpn6 != 0)
                Routes<TPlatform>.Remove(ref s->Routes, ref s->Peers, WinAddressFamily.Inet6, p->VpnAddr6.Bytes, 128, self);
            if (p->RouteCount > 0)
                Routes<TPlatform>.RemovePeer(ref s->Routes, p);
        }
        TimerHeapOps<TPlatform>.Remove(ref s->Timers, ref s->Peers, self);
        if (s->P2p.Same(self))
            s->P2p = PeerRef.None;
        PeerStoreOps<TPlatform>.Remove(ref s->Peers, self);
        CryptoAead<TPlatform>.Destroy(ref p->Keys.Primary);
        CryptoAead<TPlatform>.Destroy(ref p->Keys.Secondary);
        if (p->Tcp.Buffer != null)
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(p->Tcp.Buffer, Proto.MaxTcpFrame));
            TPlatform.Free(p->Tcp.Buffer, Proto.TagTcp);
        }
        TPlatform.Free(p, Proto.TagPeer);
    }

    [Irql(KIrql.Dispatch), RequiresLock("s->Lock")]
    private static void DeleteAllPeers(DriverState* s)
    {
        for (int i = 0; i < s->Peers.Capacity && s->Peers.Count > 0; i++)
        {
            Peer* p = PeerStoreOps<TPlatform>.At(ref s->Peers, i);
            if (p != null)
                DeletePeer(s, p);
        }
    }

    private static Peer* FindPeer(DriverState* s, int peerId)
    {
        if (s->Mode == OvpnMode.P2P)
            return P2pPeer(s);
        return Resolve(s, PeerTableOps<TPlatform>.Find(ref s->ById, TableKey.ForPeerId(peerId)));
    }

    // ---- notify events ----

    [Irql(KIrql.Dispatch), RequiresLock("s->Lock")]
    private static void PushEvent(DriverState* s, OvpnNotifyCmd cmd, int peerId, OvpnDelPeerReason reason, SockAddrInet* floatAddress)
    {
        var e = default(OvpnNotifyEvent);
        e.Cmd = cmd;
        e.PeerId = peerId;
        e.DelPeerReason = reason;
        if (floatAddress != null)
        {
            // Only the family's own bytes (16 for IPv4, 28 for IPv6): the rest of the union stays zero.
            int length = floatAddress->Length;
            new ReadOnlySpan<byte>(floatAddress, length).CopyTo(new Span<byte>(&e.FloatAddress, length));
        }
        if (s->Events.Pending > 0 && s->Events.Count == 0)
        {
            s->Events.Pending--;
            TPlatform.CompletePending(s->PlatformContext, PendingKind.NotifyEvent, NtStatus.Success,
                new ReadOnlySpan<byte>(&e, sizeof(OvpnNotifyEvent)));
            return;
        }
        if (!s->Events.Push(e))
            s->Stats.EventsLost++;
    }

    /// <summary>Tells user space that a peer's primary key ran out of tx packet ids (once per key).</summary>
    [Irql(KIrql.Dispatch), RequiresLock("s->Lock")]
    private static void NotifyRekey(DriverState* s, Peer* p)
    {
        if (p->Keys.Primary.ExhaustionNotified != 0)
            return;
        p->Keys.Primary.ExhaustionNotified = 1;
        DriverTrace<TPlatform>.TxPacketIdExhausted(p->PeerId, p->Keys.Primary.TxPacketId);
        PushEvent(s, OvpnNotifyCmd.SwapKeys, p->PeerId, OvpnDelPeerReason.Teardown, null);
    }
}
