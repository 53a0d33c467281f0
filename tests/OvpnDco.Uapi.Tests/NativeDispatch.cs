using System;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Uapi.Tests.Native;

/// <summary>The state of <see cref="NativeDriver"/> (kernel subset: a plain struct).</summary>
[KernelCode]
public struct NativeState
{
    public OvpnMode Mode;
    public int ModeSet;
    public int Calls;
}

/// <summary>
/// A kernel-subset driver whose generated dispatch table is compiled to C by ovpn-il2c and run natively
/// (<see cref="NativeDispatchTests"/>): proof that the generated code is in the subset the compiler accepts.
/// </summary>
[KernelCode]
public static unsafe partial class NativeDriver
{
    private static NativeState s_state;

    [Ioctl(OvpnIoctl.GetVersion, Output = typeof(OvpnVersion), Modes = IoctlModes.Any | IoctlModes.ControlDevice)]
    private static NtStatus GetVersion(ref NativeState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        state.Calls++;
        var version = new OvpnVersion { Major = 2, Minor = 5, Patch = 1 };
        MemoryMarshal.Write(output, in version);
        bytesReturned = 12;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.SetMode, Input = typeof(OvpnSetMode))]
    private static NtStatus SetMode(ref NativeState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        state.Calls++;
        if (state.ModeSet != 0)
            return NtStatus.AlreadyInitialized;
        state.Mode = MemoryMarshal.Read<OvpnSetMode>(input).Mode;
        state.ModeSet = 1;
        return NtStatus.Success;
    }

    [Ioctl(OvpnIoctl.MpDelPeer, Input = typeof(OvpnMpDelPeer), Modes = IoctlModes.MP)]
    private static NtStatus MpDelPeer(ref NativeState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        state.Calls++;
        return MemoryMarshal.Read<OvpnMpDelPeer>(input).PeerId == 7 ? NtStatus.Success : NtStatus.InvalidDeviceRequest;
    }

    /// <summary>The C entry point: one IOCTL on the single device.</summary>
    [Export("uapi_test_dispatch")]
    public static int Dispatch(uint code, byte* input, int inputLength, byte* output, int outputLength, int* bytesReturned)
    {
        int n = 0;
        var mode = s_state.Mode == OvpnMode.MP ? IoctlModes.MP : IoctlModes.P2P;
        var status = DispatchIoctl(ref s_state, mode, code, new ReadOnlySpan<byte>(input, inputLength),
            new Span<byte>(output, outputLength), ref n);
        *bytesReturned = n;
        return (int)status;
    }

    /// <summary>How many handlers ran.</summary>
    [Export("uapi_test_calls")]
    public static int Calls() => s_state.Calls;
}
