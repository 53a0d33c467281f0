using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;
using OvpnDco.Wdk;

namespace OvpnDco.Driver.Kernel;

/// <summary>
/// The WSK entry points of the kernel build: non-generic [UnmanagedCallersOnly] functions (a callback's C name is
/// fixed) that forward to <see cref="WskTransport{TWdk, TKm}"/> on the real WDK. The context of a socket's events
/// and of its own IRP is the DeviceContext; a send's is its TransportBuffer.
/// </summary>
public static unsafe class KernelWsk
{
    /// <summary>Device add: the transport's IRP and callbacks (PASSIVE_LEVEL).</summary>
    [Irql(KIrql.Passive)]
    public static int Init(DeviceContext* ctx) =>
        WskTransport<KernelWdk, KmBackend>.Init(ctx, &OnReceiveFrom, &OnStepComplete, &OnSendComplete);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS OnReceiveFrom(void* socketContext, ULONG flags, WSK_DATAGRAM_INDICATION* dataIndication) =>
        WskTransport<KernelWdk, KmBackend>.OnReceiveFrom((DeviceContext*)socketContext, dataIndication);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly]
    public static NTSTATUS OnStepComplete(PDEVICE_OBJECT deviceObject, PIRP irp, void* context) =>
        WskTransport<KernelWdk, KmBackend>.OnStepComplete((DeviceContext*)context, irp);

    [Irql(KIrql.Dispatch)]
    [UnmanagedCallersOnly]
    public static NTSTATUS OnSendComplete(PDEVICE_OBJECT deviceObject, PIRP irp, void* context) =>
        WskTransport<KernelWdk, KmBackend>.OnSendComplete((TransportBuffer*)context, irp);
}
