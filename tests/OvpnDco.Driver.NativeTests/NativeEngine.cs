using System;
using System.IO;
using System.Runtime.InteropServices;
using OvpnDco.Compiler;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.TestSupport;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// The driver under test as native code: driver/OvpnDco.Driver.Hosted transpiled by ovpn-il2c, built with gcc -O2
/// and the hosted runtime (OpenSSL) into a shared library. The host callbacks forward to <see cref="ManagedPlatform"/>,
/// so the test platform's capture, virtual clock and timers serve both builds of the suite.
/// </summary>
public static unsafe class DriverUnderTest
{
    public const string Name = "native";

    private static readonly Lazy<nint> Library = new(Build);

    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), $"ovpndco-native-suite-{Environment.ProcessId}");

    private static nint Build()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var output = IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.Driver.Hosted.dll"),
            new CompilerOptions { Target = Target.Hosted, ModuleName = "ovpndco" });
        IlToC.WriteOutput(output, Path.Combine(Directory, "c"));
        var lib = Path.Combine(Directory, "libovpndco.so");
        var build = NativeToolchain.Run(
            $"gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -I {NativeToolchain.Quote(NativeToolchain.Include)} -I c c/*.c " +
            $"{NativeToolchain.HostedSources} -lcrypto -lpthread -o {NativeToolchain.Quote(lib)}", Directory);
        if (build.ExitCode != 0)
            throw new InvalidOperationException("libovpndco.so does not build:\n" + build.Stderr);
        var handle = NativeLibrary.Load(lib);
        var ops = new HostOps
        {
            TransportOpen = &TransportOpen, TransportListen = &TransportListen, TransportClose = &TransportClose,
            TransportSend = &TransportSend, AdapterDeliver = &AdapterDeliver, AdapterSetLink = &AdapterSetLink,
            CompleteRead = &CompleteRead, CompletePending = &CompletePending, TimerArm = &TimerArm, TimerCancel = &TimerCancel,
        };
        ((delegate* unmanaged<HostOps*, void>)NativeLibrary.GetExport(handle, "ovpn_host_set_ops"))(&ops);
        ((delegate* unmanaged<delegate* unmanaged<long>, void>)NativeLibrary.GetExport(handle, "ovpn_hosted_set_clock"))(&Now);
        ((delegate* unmanaged<byte*, int, int>)NativeLibrary.GetExport(handle, "ovpn_hosted_trace_open"))(null, 1);
        return handle;
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    [StructLayout(LayoutKind.Sequential)]
    private struct HostOps
    {
        public delegate* unmanaged<nint, int, SockAddrInet*, SockAddrInet*, int> TransportOpen;
        public delegate* unmanaged<nint, SockAddrInet*, byte, int> TransportListen;
        public delegate* unmanaged<nint, void> TransportClose;
        public delegate* unmanaged<nint, int, SockAddrInet*, byte*, int, int> TransportSend;
        public delegate* unmanaged<nint, byte*, int, void> AdapterDeliver;
        public delegate* unmanaged<nint, byte, void> AdapterSetLink;
        public delegate* unmanaged<nint, nint, int, byte*, int, void> CompleteRead;
        public delegate* unmanaged<nint, int, int, byte*, int, void> CompletePending;
        public delegate* unmanaged<nint, long, void> TimerArm;
        public delegate* unmanaged<nint, void> TimerCancel;
    }

    [UnmanagedCallersOnly] private static long Now() => ManagedPlatform.NowMs();
    [UnmanagedCallersOnly] private static int TransportOpen(nint c, int proto, SockAddrInet* l, SockAddrInet* r) => (int)ManagedPlatform.TransportOpen(c, (OvpnProto)proto, *l, *r);
    [UnmanagedCallersOnly] private static int TransportListen(nint c, SockAddrInet* l, byte v6) => (int)ManagedPlatform.TransportListen(c, *l, v6 != 0);
    [UnmanagedCallersOnly] private static void TransportClose(nint c) => ManagedPlatform.TransportClose(c);
    [UnmanagedCallersOnly] private static int TransportSend(nint c, int proto, SockAddrInet* r, byte* d, int n) => (int)ManagedPlatform.TransportSend(c, (OvpnProto)proto, *r, new ReadOnlySpan<byte>(d, n));
    [UnmanagedCallersOnly] private static void AdapterDeliver(nint c, byte* d, int n) => ManagedPlatform.AdapterDeliver(c, new ReadOnlySpan<byte>(d, n));
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
}
