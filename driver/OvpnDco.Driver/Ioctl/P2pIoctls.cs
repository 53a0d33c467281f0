using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>P2P IOCTLs: NEW_PEER, SET_PEER, START_VPN, DEL_PEER, SWAP_KEYS.</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    [Ioctl(OvpnIoctl.NewPeer, Input = typeof(OvpnNewPeer), Modes = IoctlModes.P2P)]
    private static NtStatus NewPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnNewPeer>(input);
        var status = SockAddr.ValidatePair(request.Local, request.Remote);
        if (!status.IsSuccess())
            return status;
        if (request.Proto != OvpnProto.Udp && request.Proto != OvpnProto.Tcp)
            return NtStatus.InvalidParameter;
        // A new peer replaces the old one (a reconnect on the same handle, as upstream and OpenVPN expect; OpenVPN
        // treats a failing NEW_PEER as fatal). The new session starts with fresh statistics: OpenVPN3 and OpenVPN's
        // P2P fallback read GET_STATS as this session's totals.
        if (P2pPeer(s) != null)
        {
            RemoveP2pPeer(s);
            FlushQueuedControl(s);
        }
        s->Stats.Abi = default;
        new Span<CpuCounters>(s->PerCpu, Proto.CpuSlots).Clear(); // lock exclusive: no data path is counting
        Peer* p = NewPeerObject(s, 0, request.Proto, request.Local, request.Remote);
        if (p == null)
            return NtStatus.InsufficientResources;
        s->P2p = p->Self;
        NextTransport(s);
        status = TPlatform.TransportOpen(s->PlatformContext, request.Proto, request.Local, request.Remote);
        if (status == NtStatus.Pending)
        {
            p->Connecting = 1;
            s->NewPeerPending = 1;
            return NtStatus.Pending;
        }
        if (!status.IsSuccess())
            DeletePeer(s, p);
        return status;
    }

    [Ioctl(OvpnIoctl.SetPeer, Input = typeof(OvpnSetPeer), Modes = IoctlModes.P2P)]
    private static NtStatus SetPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnSetPeer>(input);
        Peer* p = P2pPeer(s);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        return ApplyPeerSettings(s, p, request.KeepaliveInterval, request.KeepaliveTimeout, request.MSS);
    }

    [Ioctl(OvpnIoctl.StartVpn, Modes = IoctlModes.P2P)]
    private static NtStatus StartVpn(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        if (P2pPeer(s) == null)
            return NtStatus.InvalidDeviceRequest;
        s->Started = 1;
        TPlatform.AdapterSetLink(s->PlatformContext, true);
        return NtStatus.Success;
    }

    /// <summary>
    /// DEL_PEER: the peer, its keys and its socket go; pending reads complete with STATUS_CANCELLED. The adapter stays
    /// connected: with persist-tun OpenVPN and OpenVPN3 reconnect with NEW_PEER and no second START_VPN. Only closing
    /// the handle (Destroy) takes the link down.
    /// </summary>
    [Ioctl(OvpnIoctl.DelPeer, Modes = IoctlModes.P2P)]
    private static NtStatus DelPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        CancelAllReads(s);
        RemoveP2pPeer(s);
        return NtStatus.Success;
    }

    /// <summary>Deletes the P2P peer (a pended TCP NEW_PEER completes Cancelled) and closes its transport.</summary>
    private static void RemoveP2pPeer(DriverState* s)
    {
        Peer* p = P2pPeer(s);
        if (p == null)
            return;
        if (s->NewPeerPending != 0)
        {
            s->NewPeerPending = 0;
            TPlatform.CompletePending(s->PlatformContext, PendingKind.NewPeer, NtStatus.Cancelled, default);
        }
        DeletePeer(s, p);
        TPlatform.TransportClose(s->PlatformContext);
    }

    [Ioctl(OvpnIoctl.SwapKeys, Modes = IoctlModes.P2P)]
    private static NtStatus SwapKeys(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        Peer* p = P2pPeer(s);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        Swap(ref p->Keys);
        return NtStatus.Success;
    }

    /// <summary>Exchanges the slots whole (with packet-id state); an empty secondary leaves the primary empty.</summary>
    private static void Swap(ref KeySlots keys)
    {
        KeySlot tmp = keys.Primary;
        keys.Primary = keys.Secondary;
        keys.Secondary = tmp;
    }
}
