using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>One captured call of the host callbacks.</summary>
public sealed record HostCall(string Name, nint Context, int Number, byte[] Data, byte[]? Address = null);

/// <summary>
/// libovpndco.so built from the hosted binding (ovpn-il2c + gcc -O2 + runtime-kernel/hosted + OpenSSL) and its C API.
/// The host callbacks record every call, so tests see what the native driver sent, delivered and completed.
/// </summary>
public static unsafe class NativeDriver
{
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"ovpndco-native-{Environment.ProcessId}");

    private static readonly Lazy<nint> Library = new(Build);
    private static readonly object Gate = new();
    private static readonly List<HostCall> CallsList = new();

    public static IReadOnlyList<HostCall> Calls
    {
        get
        {
            lock (Gate)
                return CallsList.ToArray();
        }
    }

    public static void ClearCalls()
    {
        lock (Gate)
            CallsList.Clear();
    }

    private static void Record(HostCall call)
    {
        lock (Gate)
            CallsList.Add(call);
    }

    private static nint Build()
    {
        var handle = HostedDriverLibrary.BuildAndLoad(Directory);
        InstallHost(handle);
        return handle;
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    /// <summary>The generated C of the driver (built on first use with the library).</summary>
    public static string GeneratedC
    {
        get
        {
            _ = Library.Value;
            return Path.Combine(Directory, "c");
        }
    }

    private static byte[] Bytes(byte* p, int n) => p == null || n <= 0 ? Array.Empty<byte>() : new ReadOnlySpan<byte>(p, n).ToArray();

    [UnmanagedCallersOnly] private static int OnTransportOpen(nint ctx, int proto, byte* local, byte* remote)
    { Record(new HostCall("transport_open", ctx, proto, Bytes(local, 28), Bytes(remote, 28))); return 0; }
    [UnmanagedCallersOnly] private static int OnTransportListen(nint ctx, byte* listen, byte v6only)
    { Record(new HostCall("transport_listen", ctx, v6only, Bytes(listen, 28))); return 0; }
    [UnmanagedCallersOnly] private static void OnTransportClose(nint ctx) => Record(new HostCall("transport_close", ctx, 0, Array.Empty<byte>()));
    [UnmanagedCallersOnly] private static int OnTransportSend(nint ctx, int proto, byte* remote, byte* data, int length)
    { Record(new HostCall("transport_send", ctx, proto, Bytes(data, length), Bytes(remote, 28))); return 0; }
    [UnmanagedCallersOnly] private static void OnAdapterDeliver(nint ctx, byte* packet, int length) => Record(new HostCall("adapter_deliver", ctx, 0, Bytes(packet, length)));
    [UnmanagedCallersOnly] private static void OnAdapterSetLink(nint ctx, byte connected) => Record(new HostCall("adapter_set_link", ctx, connected, Array.Empty<byte>()));
    [UnmanagedCallersOnly] private static void OnCompleteRead(nint ctx, nint request, int status, byte* data, int length)
    { Record(new HostCall("complete_read", ctx, status, Bytes(data, length), BitConverter.GetBytes((long)request))); }
    [UnmanagedCallersOnly] private static void OnCompletePending(nint ctx, int kind, int status, byte* output, int length)
    { Record(new HostCall("complete_pending", ctx, status, Bytes(output, length), BitConverter.GetBytes(kind))); }
    [UnmanagedCallersOnly] private static void OnTimerArm(nint ctx, long due) => Record(new HostCall("timer_arm", ctx, (int)Math.Min(due, int.MaxValue), Array.Empty<byte>()));
    [UnmanagedCallersOnly] private static void OnTimerCancel(nint ctx) => Record(new HostCall("timer_cancel", ctx, 0, Array.Empty<byte>()));

    private static void InstallHost(nint library)
    {
        var ops = new HostedDriverLibrary.HostOps
        {
            TransportOpen = &OnTransportOpen,
            TransportListen = &OnTransportListen,
            TransportClose = &OnTransportClose,
            TransportSend = &OnTransportSend,
            AdapterDeliver = &OnAdapterDeliver,
            AdapterSetLink = &OnAdapterSetLink,
            CompleteRead = &OnCompleteRead,
            CompletePending = &OnCompletePending,
            TimerArm = &OnTimerArm,
            TimerCancel = &OnTimerCancel,
        };
        HostedDriverLibrary.InstallHost(library, ops);
    }

    // ---- the exported driver API -----------------------------------------------------------------------

    public static nint Create(nint context) => ((delegate* unmanaged<nint, nint>)Export("ovpn_dco_create"))(context);

    public static void Destroy(nint state) => ((delegate* unmanaged<nint, void>)Export("ovpn_dco_destroy"))(state);

    public static int Ioctl(nint state, uint code, ReadOnlySpan<byte> input, Span<byte> output, out int returned)
    {
        int r = 0;
        int status;
        fixed (byte* i = input, o = output)
            status = ((delegate* unmanaged<nint, uint, byte*, int, byte*, int, int*, byte, int>)Export("ovpn_dco_ioctl"))(
                state, code, i, input.Length, o, output.Length, &r, 0);
        returned = r;
        return status;
    }

    public static int Ioctl<T>(nint state, uint code, in T input) where T : unmanaged
    {
        fixed (T* p = &input)
            return Ioctl(state, code, new ReadOnlySpan<byte>(p, sizeof(T)), Span<byte>.Empty, out _);
    }

    public static void TransportReceive(nint state, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> from28)
    {
        fixed (byte* p = packet, f = from28)
            ((delegate* unmanaged<nint, byte*, int, byte*, void>)Export("ovpn_dco_transport_receive"))(state, p, packet.Length, f);
    }

    public static int AdapterTransmit(nint state, Span<byte> packet)
    {
        fixed (byte* p = packet)
            return ((delegate* unmanaged<nint, byte*, int, int>)Export("ovpn_dco_adapter_transmit"))(state, p, packet.Length);
    }

    public static long LiveAllocations() => ((delegate* unmanaged<uint, long>)Export("ovpn_hosted_mem_live"))(0);
}
