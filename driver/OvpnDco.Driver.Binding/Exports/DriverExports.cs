using System;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Binding;

/// <summary>
/// The C API of the driver (generated into ovpndco.h): one function per driver entry point, instantiated for the
/// binding's backend (<c>TargetImports</c>, a global alias in each binding project). Compiled into every binding from
/// this one source. Buffers are pointer + length; statuses are NTSTATUS values. Each export carries the IRQL its
/// caller runs it at in the kernel (IOCTLs, reads, writes, create and close: PASSIVE_LEVEL; the WSK and NetAdapterCx
/// data path, the timer DPC, cancel routines and WSK completions: DISPATCH_LEVEL), emitted as SAL on ovpndco.h.
/// </summary>
public static unsafe class DriverExports
{
    [Export("ovpn_dco_create"), Irql(KIrql.Passive)]
    public static DriverState* Create(nint platformContext) => Driver<BoundPlatform<TargetImports>>.Create(platformContext);

    [Export("ovpn_dco_destroy"), Irql(KIrql.Passive)]
    public static void Destroy(DriverState* state) => Driver<BoundPlatform<TargetImports>>.Destroy(state);

    [Export("ovpn_dco_ioctl"), Irql(KIrql.Passive)]
    public static int DeviceIoControl(DriverState* state, uint code, byte* input, int inputLength, byte* output, int outputLength,
        int* bytesReturned, bool controlDevice)
    {
        if (inputLength < 0 || outputLength < 0 || bytesReturned == null)
            return (int)NtStatus.InvalidParameter;
        var returned = 0;
        var status = Driver<BoundPlatform<TargetImports>>.DeviceIoControl(state, code, new ReadOnlySpan<byte>(input, inputLength),
            new Span<byte>(output, outputLength), ref returned, controlDevice);
        *bytesReturned = returned;
        return (int)status;
    }

    [Export("ovpn_dco_transport_receive"), Irql(KIrql.Dispatch)]
    public static void TransportReceive(DriverState* state, [InBytes(nameof(length))] byte* packet, int length, SockAddrInet* from)
    {
        if (length >= 0 && from != null)
            Driver<BoundPlatform<TargetImports>>.OnTransportReceive(state, new ReadOnlySpan<byte>(packet, length), in *from);
    }

    /// <summary>A batch of UDP datagrams (recvmmsg): one shared-lock hold, one clock read.</summary>
    [Export("ovpn_dco_transport_receive_batch"), Irql(KIrql.Dispatch)]
    public static void TransportReceiveBatch(DriverState* state, RxDatagram* batch, int count)
    {
        if (count > 0 && batch != null)
            Driver<BoundPlatform<TargetImports>>.OnTransportReceiveBatch(state, batch, count);
    }

    [Export("ovpn_dco_transport_stream"), Irql(KIrql.Dispatch)]
    public static void TransportStream(DriverState* state, [InBytes(nameof(length))] byte* bytes, int length)
    {
        if (length >= 0)
            Driver<BoundPlatform<TargetImports>>.OnTransportStream(state, new ReadOnlySpan<byte>(bytes, length));
    }

    [Export("ovpn_dco_transport_connected"), Irql(KIrql.Dispatch)]
    public static void TransportConnected(DriverState* state, int status) =>
        Driver<BoundPlatform<TargetImports>>.OnTransportConnected(state, (NtStatus)status);

    [Export("ovpn_dco_transport_disconnected"), Irql(KIrql.Dispatch)]
    public static void TransportDisconnected(DriverState* state) => Driver<BoundPlatform<TargetImports>>.OnTransportDisconnected(state);

    [Export("ovpn_dco_adapter_transmit"), Irql(KIrql.Dispatch)]
    public static int AdapterTransmit(DriverState* state, byte* packet, int length) =>
        length < 0 ? (int)NtStatus.InvalidParameter : (int)Driver<BoundPlatform<TargetImports>>.OnAdapterTransmit(state, new Span<byte>(packet, length));

    /// <summary>A batch of IP packets from the adapter; each one's NTSTATUS is written into it.</summary>
    [Export("ovpn_dco_adapter_transmit_batch"), Irql(KIrql.Dispatch)]
    public static void AdapterTransmitBatch(DriverState* state, TxPacket* batch, int count)
    {
        if (count > 0 && batch != null)
            Driver<BoundPlatform<TargetImports>>.OnAdapterTransmitBatch(state, batch, count);
    }

    [Export("ovpn_dco_read_control"), Irql(KIrql.Passive)]
    public static int ReadControl(DriverState* state, nint request, byte* buffer, int length, int* bytesRead)
    {
        if (length < 0 || bytesRead == null)
            return (int)NtStatus.InvalidParameter;
        var status = Driver<BoundPlatform<TargetImports>>.ReadControl(state, request, new Span<byte>(buffer, length), out var read);
        *bytesRead = read;
        return (int)status;
    }

    [Export("ovpn_dco_cancel_read"), Irql(KIrql.Dispatch)]
    public static bool CancelRead(DriverState* state, nint request) => Driver<BoundPlatform<TargetImports>>.CancelRead(state, request);

    [Export("ovpn_dco_write_control"), Irql(KIrql.Passive)]
    public static int WriteControl(DriverState* state, byte* buffer, int length) =>
        length < 0 ? (int)NtStatus.InvalidParameter : (int)Driver<BoundPlatform<TargetImports>>.WriteControl(state, new ReadOnlySpan<byte>(buffer, length));

    [Export("ovpn_dco_cancel_pending"), Irql(KIrql.Dispatch)]
    public static void CancelPending(DriverState* state, int kind) => Driver<BoundPlatform<TargetImports>>.CancelPending(state, (PendingKind)kind);

    [Export("ovpn_dco_on_timer"), Irql(KIrql.Dispatch)]
    public static void OnTimer(DriverState* state) => Driver<BoundPlatform<TargetImports>>.OnTimer(state);
}
