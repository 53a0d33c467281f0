using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.TestSupport;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// The driver under test as native code: driver/OvpnDco.Driver.Hosted transpiled by ovpn-il2c, built with gcc and the
/// hosted runtime (OpenSSL) into a shared library — with ASan+UBSan (libovpndco-asan.so) when the AddressSanitizer
/// runtime is preloaded into the test host, which this project's run settings do (sanitizers.runsettings, written at
/// build time: LD_PRELOAD of gcc's libasan, detect_leaks=0 because .NET itself keeps memory to the end, handle_segv=0
/// because CoreCLR turns SIGSEGV into NullReferenceException; leaks are counted by the hosted allocator instead).
/// The host callbacks forward to <see cref="ManagedPlatform"/>, so the test platform's capture, virtual clock and
/// timers serve both builds of the suite.
/// </summary>
public static unsafe class DriverUnderTest
{
    public const string Name = "native";

    private static readonly Lazy<nint> Library = new(Build);

    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"ovpndco-native-suite-{Environment.ProcessId}");

    /// <summary>The run settings ask for the sanitizer build (OVPNDCO_NATIVE_SANITIZERS=1).</summary>
    public static bool SanitizersRequested => Environment.GetEnvironmentVariable("OVPNDCO_NATIVE_SANITIZERS") == "1";

    /// <summary>The loaded library is the ASan+UBSan build.</summary>
    public static bool Sanitized => HostedDriverLibrary.SanitizerRuntimeLoaded;

    public static nint Handle => Library.Value;

    private static nint Build()
    {
        if (SanitizersRequested && !Sanitized)
            throw new InvalidOperationException("OVPNDCO_NATIVE_SANITIZERS=1 but the ASan runtime is not in the test host: " +
                "run with LD_PRELOAD=$(gcc -print-file-name=libasan.so) (tests/OvpnDco.Driver.NativeTests/obj/sanitizers.runsettings does)");
        var handle = HostedDriverLibrary.BuildAndLoad(Directory, Sanitized);
        var ops = new HostedDriverLibrary.HostOps
        {
            TransportOpen = &TransportOpen, TransportListen = &TransportListen, TransportClose = &TransportClose,
            TransportSend = &TransportSend, AdapterDeliver = &AdapterDeliver, AdapterSetLink = &AdapterSetLink,
            CompleteRead = &CompleteRead, CompletePending = &CompletePending, TimerArm = &TimerArm, TimerCancel = &TimerCancel,
        };
        HostedDriverLibrary.InstallHost(handle, ops);
        ((delegate* unmanaged<delegate* unmanaged<long>, void>)NativeLibrary.GetExport(handle, "ovpn_hosted_set_clock"))(&Now);
        ((delegate* unmanaged<byte*, int, int>)NativeLibrary.GetExport(handle, "ovpn_hosted_trace_open"))(null, 1);
        return handle;
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    [UnmanagedCallersOnly] private static long Now() => ManagedPlatform.NowMs();
    [UnmanagedCallersOnly] private static int TransportOpen(nint c, int proto, byte* l, byte* r) => (int)ManagedPlatform.TransportOpen(c, (OvpnProto)proto, *(SockAddrInet*)l, *(SockAddrInet*)r);
    [UnmanagedCallersOnly] private static int TransportListen(nint c, byte* l, byte v6) => (int)ManagedPlatform.TransportListen(c, *(SockAddrInet*)l, v6 != 0);
    [UnmanagedCallersOnly] private static void TransportClose(nint c) => ManagedPlatform.TransportClose(c);
    [UnmanagedCallersOnly] private static int TransportSend(nint c, int proto, byte* r, byte* d, int n) => (int)ManagedPlatform.Sent(c, (OvpnProto)proto, *(SockAddrInet*)r, new ReadOnlySpan<byte>(d, n));
    [UnmanagedCallersOnly] private static void AdapterDeliver(nint c, byte* d, int n) => ManagedPlatform.Delivered(c, new ReadOnlySpan<byte>(d, n));
    [UnmanagedCallersOnly] private static void AdapterSetLink(nint c, byte up) => ManagedPlatform.AdapterSetLink(c, up != 0);
    [UnmanagedCallersOnly] private static void CompleteRead(nint c, nint r, int s, byte* d, int n) => ManagedPlatform.CompleteRead(c, r, (NtStatus)s, new ReadOnlySpan<byte>(d, n));
    [UnmanagedCallersOnly] private static void CompletePending(nint c, int k, int s, byte* d, int n) => ManagedPlatform.CompletePending(c, (PendingKind)k, (NtStatus)s, new ReadOnlySpan<byte>(d, n));
    [UnmanagedCallersOnly] private static void TimerArm(nint c, long due) => ManagedPlatform.TimerArm(c, due);
    [UnmanagedCallersOnly] private static void TimerCancel(nint c) => ManagedPlatform.TimerCancel(c);

    public static long LiveAllocations => ((delegate* unmanaged<uint, long>)Export("ovpn_hosted_mem_live"))(0);
    public static int LiveKeys => (int)((delegate* unmanaged<long>)Export("ovpn_hosted_aead_live"))();

    public static DriverState* Create(nint platformContext) => ((delegate* unmanaged<nint, DriverState*>)Export("ovpn_dco_create"))(platformContext);
    public static void Destroy(DriverState* s) => ((delegate* unmanaged<DriverState*, void>)Export("ovpn_dco_destroy"))(s);

    public static NtStatus DeviceIoControl(DriverState* s, uint code, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned, bool controlDevice)
    {
        int returned = 0;
        int status;
        fixed (byte* i = input, o = output)
            status = ((delegate* unmanaged<DriverState*, uint, byte*, int, byte*, int, int*, byte, int>)Export("ovpn_dco_ioctl"))(
                s, code, i, input.Length, o, output.Length, &returned, controlDevice ? (byte)1 : (byte)0);
        bytesReturned = returned;
        return (NtStatus)status;
    }

    public static void CancelPending(DriverState* s, PendingKind kind) => ((delegate* unmanaged<DriverState*, int, void>)Export("ovpn_dco_cancel_pending"))(s, (int)kind);

    public static void OnTransportReceive(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from)
    {
        fixed (byte* p = packet)
        fixed (SockAddrInet* f = &from)
            ((delegate* unmanaged<DriverState*, byte*, int, SockAddrInet*, void>)Export("ovpn_dco_transport_receive"))(s, p, packet.Length, f);
    }

    public static void OnTransportStream(DriverState* s, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
            ((delegate* unmanaged<DriverState*, byte*, int, void>)Export("ovpn_dco_transport_stream"))(s, p, bytes.Length);
    }

    public static void OnTransportConnected(DriverState* s, NtStatus status) => ((delegate* unmanaged<DriverState*, int, void>)Export("ovpn_dco_transport_connected"))(s, (int)status);

    public static void OnTransportDisconnected(DriverState* s) => ((delegate* unmanaged<DriverState*, void>)Export("ovpn_dco_transport_disconnected"))(s);

    public static void OnTransportReceiveBatch(DriverState* s, RxDatagram* batch, int count)
        => ((delegate* unmanaged<DriverState*, RxDatagram*, int, void>)Export("ovpn_dco_transport_receive_batch"))(s, batch, count);

    public static void OnAdapterTransmitBatch(DriverState* s, TxPacket* batch, int count)
        => ((delegate* unmanaged<DriverState*, TxPacket*, int, void>)Export("ovpn_dco_adapter_transmit_batch"))(s, batch, count);

    public static NtStatus OnAdapterTransmit(DriverState* s, Span<byte> ipPacket)
    {
        fixed (byte* p = ipPacket)
            return (NtStatus)((delegate* unmanaged<DriverState*, byte*, int, int>)Export("ovpn_dco_adapter_transmit"))(s, p, ipPacket.Length);
    }

    public static NtStatus ReadControl(DriverState* s, nint request, Span<byte> buffer, out int bytesRead)
    {
        int read = 0;
        int status;
        fixed (byte* b = buffer)
            status = ((delegate* unmanaged<DriverState*, nint, byte*, int, int*, int>)Export("ovpn_dco_read_control"))(s, request, b, buffer.Length, &read);
        bytesRead = read;
        return (NtStatus)status;
    }

    public static bool CancelRead(DriverState* s, nint request) => ((delegate* unmanaged<DriverState*, nint, byte>)Export("ovpn_dco_cancel_read"))(s, request) != 0;

    public static NtStatus WriteControl(DriverState* s, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* b = buffer)
            return (NtStatus)((delegate* unmanaged<DriverState*, byte*, int, int>)Export("ovpn_dco_write_control"))(s, b, buffer.Length);
    }

    public static void OnTimer(DriverState* s) => ((delegate* unmanaged<DriverState*, void>)Export("ovpn_dco_on_timer"))(s);

    /// <summary>Fault injection in the hosted runtime: the next lock creation fails (OVPN_HOSTED_FAULT_LOCK_INIT).</summary>
    public static void FailNextLockInit() => ((delegate* unmanaged<int, long, void>)Export("ovpn_hosted_fail_at"))(2, 1);
}
