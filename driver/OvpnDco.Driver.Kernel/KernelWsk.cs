using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The WSK entry points of the kernel build: non-generic [UnmanagedCallersOnly] functions (a callback's C name is
/// fixed) that forward to <see cref="WskTransport{TWdk, TKm}"/> and <see cref="WskStream{TWdk, TKm}"/> on the real
/// WDK. The context of a socket's events and of its own IRP is the DeviceContext; a send's is its TransportBuffer.
/// </summary>
public static unsafe class KernelWsk
{
    /// <summary>Device add: the transport's IRP and callbacks (PASSIVE_LEVEL).</summary>
    [Irql(KIrql.Passive)]
    public static int Init(DeviceContext* ctx)
    {
        WskCallbacks callbacks;
        callbacks.ReceiveFrom = &OnReceiveFrom;
        callbacks.Receive = &OnReceive;
        callbacks.Disconnect = &OnDisconnect;
        callbacks.StepComplete = &OnStepComplete;
        callbacks.SendComplete = &OnSendComplete;
        callbacks.Notice = &OnNotice;
        return WskTransport<KernelWdk, KmBackend>.Init(ctx, &callbacks);
    }

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS OnReceiveFrom(void* socketContext, ULONG flags, WSK_DATAGRAM_INDICATION* dataIndication) =>
        WskTransport<KernelWdk, KmBackend>.OnReceiveFrom((DeviceContext*)socketContext, dataIndication);

    /// <summary>WskReceiveEvent: everything indicated is consumed (STATUS_SUCCESS), so BytesAccepted is left alone.</summary>
    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS OnReceive(void* socketContext, ULONG flags, WSK_DATA_INDICATION* dataIndication, SIZE_T bytesIndicated, SIZE_T* bytesAccepted) =>
        WskStream<KernelWdk, KmBackend>.OnReceive((DeviceContext*)socketContext, dataIndication);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS OnDisconnect(void* socketContext, ULONG flags) =>
        WskStream<KernelWdk, KmBackend>.OnDisconnect((DeviceContext*)socketContext);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly]
    public static NTSTATUS OnStepComplete(PDEVICE_OBJECT deviceObject, PIRP irp, void* context) =>
        WskTransport<KernelWdk, KmBackend>.OnStepComplete((DeviceContext*)context, irp);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly]
    public static void OnNotice(KDPC* dpc, void* context, void* argument1, void* argument2) =>
        WskTransport<KernelWdk, KmBackend>.OnNotice((DeviceContext*)context);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly]
    public static NTSTATUS OnSendComplete(PDEVICE_OBJECT deviceObject, PIRP irp, void* context) =>
        WskTransport<KernelWdk, KmBackend>.OnSendComplete((TransportBuffer*)context, irp);
}
