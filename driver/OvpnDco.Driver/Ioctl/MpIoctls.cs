using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Multipeer IOCTLs: MP_START_VPN, MP_NEW_PEER, MP_SET_PEER, MP_DEL_PEER, MP_SWAP_KEYS, iroutes, GET_PEER_STATS.</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    [Ioctl(OvpnIoctl.MpStartVpn, Input = typeof(OvpnMpStartVpn), Modes = IoctlModes.MP)]
    private static NtStatus MpStartVpn(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnMpStartVpn>(input);
        if (s->Listening != 0)
            return NtStatus.AlreadyInitialized;
        var status = SockAddr.Validate(request.ListenAddress);
        if (!status.IsSuccess())
            return status;
        status = TPlatform.TransportListen(s->PlatformContext, request.ListenAddress, request.IPv6Only != 0);
        if (!status.IsSuccess())
            return status;
        s->Listening = 1;
        s->Started = 1;
        TPlatform.AdapterSetLink(s->PlatformContext, true);
        return NtStatus.Success;
    }

    private static bool IsZero(byte* bytes, int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != 0)
                return false;
        }
        return true;
    }

    [Ioctl(OvpnIoctl.MpNewPeer, Input = typeof(OvpnMpNewPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpNewPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnMpNewPeer>(input);
        var status = SockAddr.ValidatePair(request.Local, request.Remote);
        if (!status.IsSuccess())
            return status;
        if (request.PeerId < 0 || request.PeerId >= Proto.PeerIdUndefined)
            return NtStatus.InvalidParameter;
        var idKey = TableKey.ForPeerId(request.PeerId);
        var remoteKey = TableKey.ForRemote(request.Remote);
        if (!PeerTableOps<TPlatform>.Find(ref s->ById, idKey).IsNone
            || !PeerTableOps<TPlatform>.Find(ref s->ByRemote, remoteKey).IsNone)
            return NtStatus.ObjectIdExists;
        Peer* p = NewPeerObject(s, request.PeerId, OvpnProto.Udp, request.Local, request.Remote);
        if (p == null)
            return NtStatus.InsufficientResources;
        p->VpnAddr4 = request.VpnAddr4;
        p->VpnAddr6 = request.VpnAddr6;
        p->HasVpn4 = IsZero(p->VpnAddr4.Bytes, 4) ? 0 : 1;
        p->HasVpn6 = IsZero(p->VpnAddr6.Bytes, 16) ? 0 : 1;
        status = PeerTableOps<TPlatform>.Set(ref s->ById, idKey, p->Self, out _);
        if (status.IsSuccess())
            status = PeerTableOps<TPlatform>.Set(ref s->ByRemote, remoteKey, p->Self, out _);
        if (status.IsSuccess() && p->HasVpn4 != 0)
            status = Routes<TPlatform>.Add(ref s->Routes, ref s->Peers, WinAddressFamily.Inet, p->VpnAddr4.Bytes, 32, p->Self);
        if (status.IsSuccess() && p->HasVpn6 != 0)
            status = Routes<TPlatform>.Add(ref s->Routes, ref s->Peers, WinAddressFamily.Inet6, p->VpnAddr6.Bytes, 128, p->Self);
        if (!status.IsSuccess())
        {
            DeletePeer(s, p);
            return status;
        }
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpSetPeer, Input = typeof(OvpnMpSetPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpSetPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnMpSetPeer>(input);
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        return ApplyPeerSettings(s, p, request.KeepaliveInterval, request.KeepaliveTimeout, request.MSS);
    }

    [Ioctl(OvpnIoctl.MpDelPeer, Input = typeof(OvpnMpDelPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpDelPeer(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnMpDelPeer>(input);
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        DeletePeer(s, p);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpSwapKeys, Input = typeof(OvpnMpSwapKeys), Modes = IoctlModes.MP)]
    private static NtStatus MpSwapKeys(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var request = MemoryMarshal.Read<OvpnMpSwapKeys>(input);
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        Swap(ref p->Keys);
        return NtStatus.Success;
    }

    private static NtStatus ReadIroute(DriverState* s, ReadOnlySpan<byte> input, out OvpnMpIroute request, out Peer* peer)
    {
        request = MemoryMarshal.Read<OvpnMpIroute>(input);
        peer = null;
        int max = request.IPv6 != 0 ? 128 : 32;
        if (request.Netbits < 0 || request.Netbits > max)
            return NtStatus.InvalidParameter;
        peer = FindPeer(s, request.PeerId);
        return peer == null ? NtStatus.InvalidDeviceRequest : NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpAddIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpAddIroute(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var status = ReadIroute(s, input, out var request, out Peer* p);
        if (!status.IsSuccess())
            return status;
        var family = request.IPv6 != 0 ? WinAddressFamily.Inet6 : WinAddressFamily.Inet;
        return Routes<TPlatform>.Add(ref s->Routes, ref s->Peers, family, request.Addr.Addr6.Bytes, request.Netbits, p->Self);
    }

    [Ioctl(OvpnIoctl.MpDelIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpDelIroute(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var status = ReadIroute(s, input, out var request, out Peer* p);
        if (!status.IsSuccess())
            return status;
        var family = request.IPv6 != 0 ? WinAddressFamily.Inet6 : WinAddressFamily.Inet;
        if (!Routes<TPlatform>.Remove(ref s->Routes, ref s->Peers, family, request.Addr.Addr6.Bytes, request.Netbits, p->Self))
            return NtStatus.NotFound;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.GetPeerStats, Input = typeof(int), Output = typeof(OvpnPeerStats), Modes = IoctlModes.MP)]
    private static NtStatus GetPeerStats(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        int peerId = MemoryMarshal.Read<int>(input);
        if (peerId != UapiLimits.AllPeers)
        {
            Peer* p = FindPeer(s, peerId);
            if (p == null)
                return NtStatus.InvalidDeviceRequest;
            WritePeerStats(p, output);
            bytesReturned = sizeof(OvpnPeerStats);
            return NtStatus.Success;
        }
        int room = output.Length / sizeof(OvpnPeerStats);
        int n = 0;
        for (int i = 0; i < s->Peers.Capacity && n < room; i++)
        {
            Peer* q = PeerStoreOps<TPlatform>.At(ref s->Peers, i);
            if (q == null)
                continue;
            WritePeerStats(q, output.Slice(n * sizeof(OvpnPeerStats)));
            n++;
        }
        bytesReturned = n * sizeof(OvpnPeerStats);
        return n < s->Peers.Count ? NtStatus.BufferOverflow : NtStatus.Success;
    }

    private static void WritePeerStats(Peer* p, Span<byte> output)
    {
        var st = default(OvpnPeerStats);
        st.PeerId = p->PeerId;
        st.LinkRxBytes = p->LinkRxBytes;
        st.LinkTxBytes = p->LinkTxBytes;
        st.VpnRxBytes = p->VpnRxBytes;
        st.VpnTxBytes = p->VpnTxBytes;
        MemoryMarshal.Write(output, in st);
    }
}
