using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Multipeer IOCTLs: MP_START_VPN, MP_NEW_PEER, MP_SET_PEER, MP_DEL_PEER, MP_SWAP_KEYS, iroutes.</summary>
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
        NextTransport(s);
        status = TPlatform.TransportListen(s->PlatformContext, request.ListenAddress, request.IPv6Only != 0);
        if (!status.IsSuccess())
            return status;
        s->Listening = 1;
        if (s->Started == 0)
        {
            s->Started = 1;
            TPlatform.AdapterSetLink(s->PlatformContext, true);
        }
        // OpenVPN passes an output OVPN_MP_START_VPN and upstream echoes the request into it (the bound address).
        if (output.Length >= sizeof(OvpnMpStartVpn))
        {
            MemoryMarshal.Write(output, in request);
            bytesReturned = sizeof(OvpnMpStartVpn);
        }
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
        // Only the peer id must be unique (a second check, e.g. of the remote address, would fail OpenVPN's server:
        // it treats a failing MP_NEW_PEER as fatal). A reused address now finds the newest peer.
        var idKey = TableKey.ForPeerId(request.PeerId);
        var remoteKey = TableKey.ForRemote(request.Remote);
        if (!PeerTableOps<TPlatform>.Find(ref s->ById, idKey).IsNone)
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
            return NtStatus.NotFound;
        DeletePeer(s, p);
        // As upstream: every deletion is reported, this one with reason USERSPACE.
        PushEvent(s, OvpnNotifyCmd.DelPeer, request.PeerId, OvpnDelPeerReason.Userspace, null);
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

    private static NtStatus ReadIroute(ReadOnlySpan<byte> input, out OvpnMpIroute request)
    {
        request = MemoryMarshal.Read<OvpnMpIroute>(input);
        int max = request.IPv6 != 0 ? 128 : 32;
        return request.Netbits < 0 || request.Netbits > max ? NtStatus.InvalidParameter : NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpAddIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpAddIroute(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var status = ReadIroute(input, out var request);
        if (!status.IsSuccess())
            return status;
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null)
            return NtStatus.NotFound;
        var family = request.IPv6 != 0 ? WinAddressFamily.Inet6 : WinAddressFamily.Inet;
        return Routes<TPlatform>.Add(ref s->Routes, ref s->Peers, family, request.Addr.Addr6.Bytes, request.Netbits, p->Self);
    }

    [Ioctl(OvpnIoctl.MpDelIroute, Input = typeof(OvpnMpIroute), Modes = IoctlModes.MP)]
    private static NtStatus MpDelIroute(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        DriverState* s = StatePtr(ref state);
        var status = ReadIroute(input, out var request);
        if (!status.IsSuccess())
            return status;
        var family = request.IPv6 != 0 ? WinAddressFamily.Inet6 : WinAddressFamily.Inet;
        if (request.PeerId == UapiLimits.AllPeers)
        {
            // OpenVPN always deletes by address (PeerId -1), often after MP_DEL_PEER already removed the peer's routes:
            // removing a route that is not there is not an error.
            Routes<TPlatform>.Remove(ref s->Routes, ref s->Peers, family, request.Addr.Addr6.Bytes, request.Netbits, PeerRef.None);
            return NtStatus.Success;
        }
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null
            || !Routes<TPlatform>.Remove(ref s->Routes, ref s->Peers, family, request.Addr.Addr6.Bytes, request.Netbits, p->Self))
            return NtStatus.NotFound;
        return NtStatus.Success;
    }
}
