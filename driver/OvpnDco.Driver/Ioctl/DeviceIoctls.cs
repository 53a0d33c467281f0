using System;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Device-wide IOCTLs: GET_VERSION, SET_MODE, NOTIFY_EVENT. (Dispatch: generated.)</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    [Ioctl(OvpnIoctl.GetVersion, Output = typeof(OvpnVersion), Modes = IoctlModes.Any | IoctlModes.ControlDevice)]
    private static NtStatus GetVersion(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        var v = default(OvpnVersion);
        v.Major = Proto.VersionMajor;
        v.Minor = Proto.VersionMinor;
        v.Patch = Proto.VersionPatch;
        MemoryMarshal.Write(output, in v);
        bytesReturned = sizeof(OvpnVersion);
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.SetMode, Input = typeof(OvpnSetMode), Modes = IoctlModes.Any)]
    private static NtStatus SetMode(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        var request = MemoryMarshal.Read<OvpnSetMode>(input);
        if (state.ModeLocked != 0)
            return NtStatus.AlreadyInitialized;
        if (request.Mode != OvpnMode.P2P && request.Mode != OvpnMode.MP)
            return NtStatus.InvalidParameter;
        state.Mode = request.Mode;
        if (request.Mode == OvpnMode.MP && state.Started == 0)
        {
            // OpenVPN's server (ovpn_dco_init_mp) configures the adapter right after SET_MODE and before it opens the
            // listen socket (MP_START_VPN): the link must be up from here on.
            state.Started = 1;
            TPlatform.AdapterSetLink(state.PlatformContext, true);
        }
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.NotifyEvent, Output = typeof(OvpnNotifyEvent), Modes = IoctlModes.MP)]
    private static NtStatus NotifyEvent(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        if (state.Events.Pop(out var e))
        {
            MemoryMarshal.Write(output, in e);
            bytesReturned = sizeof(OvpnNotifyEvent);
            return NtStatus.Success;
        }
        if (state.Events.Pending >= EventQueue.MaxPending)
            return NtStatus.InsufficientResources;
        state.Events.Pending++;
        return NtStatus.Pending;
    }
}
