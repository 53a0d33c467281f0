using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFQUEUE", Header = "wdf.h", IsHandle = true)] public struct WDFQUEUE { public nint Value; }

[ExternType("WDF_IO_QUEUE_DISPATCH_TYPE", Header = "wdf.h")]
public enum WDF_IO_QUEUE_DISPATCH_TYPE
{
    WdfIoQueueDispatchSequential = 1,
    WdfIoQueueDispatchParallel = 2,
    WdfIoQueueDispatchManual = 3,
}

/// <summary>A queue's dispatch type and callbacks (wdfio.h); WDF_IO_QUEUE_CONFIG_INIT(_DEFAULT_QUEUE) fills the rest.</summary>
[ExternType("WDF_IO_QUEUE_CONFIG", Header = "wdf.h")]
public unsafe struct WDF_IO_QUEUE_CONFIG
{
    public ULONG Size;
    public WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    public delegate* unmanaged[Stdcall]<WDFQUEUE, WDFREQUEST, nuint, void> EvtIoRead;
    public delegate* unmanaged[Stdcall]<WDFQUEUE, WDFREQUEST, nuint, void> EvtIoWrite;
    public delegate* unmanaged[Stdcall]<WDFQUEUE, WDFREQUEST, nuint, nuint, ULONG, void> EvtIoDeviceControl;
    public delegate* unmanaged[Stdcall]<WDFQUEUE, WDFREQUEST, void> EvtIoCanceledOnQueue;
}

/// <summary>The queue operations the platform's request handling uses (manual queues of pending requests).</summary>
public unsafe interface IWdfIo
{
    /// <summary>The oldest request of a manual queue (STATUS_NO_MORE_ENTRIES when empty).</summary>
    static abstract NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE queue, WDFREQUEST* request);

    /// <summary>
    /// The request after <paramref name="found"/> (or the first), without removing it; the caller holds a reference
    /// on what it gets back and releases it with WdfObjectDereference.
    /// </summary>
    static abstract NTSTATUS WdfIoQueueFindRequest(WDFQUEUE queue, WDFREQUEST found, WDFFILEOBJECT fileObject, void* parameters, WDFREQUEST* request);

    /// <summary>Removes a request that WdfIoQueueFindRequest returned (STATUS_NOT_FOUND if it was cancelled meanwhile).</summary>
    static abstract NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE queue, WDFREQUEST found, WDFREQUEST* request);

    /// <summary>The next request of a manual queue that belongs to <paramref name="fileObject"/> (file cleanup).</summary>
    static abstract NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE queue, WDFFILEOBJECT fileObject, WDFREQUEST* request);

    /// <summary>A macro (WdfObjectDereferenceActual with the caller's line and file).</summary>
    static abstract void WdfObjectDereference(WDFREQUEST request);
}

public unsafe partial struct KernelWdk : IWdfIo
{
    [Import("WDF_IO_QUEUE_CONFIG_INIT", Header = "wdf.h")]
    public static extern void WDF_IO_QUEUE_CONFIG_INIT(WDF_IO_QUEUE_CONFIG* config, WDF_IO_QUEUE_DISPATCH_TYPE dispatchType);
    [Import("WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE", Header = "wdf.h")]
    public static extern void WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(WDF_IO_QUEUE_CONFIG* config, WDF_IO_QUEUE_DISPATCH_TYPE dispatchType);
    [Import("WdfIoQueueCreate", Header = "wdf.h")]
    public static extern NTSTATUS WdfIoQueueCreate(WDFDEVICE device, WDF_IO_QUEUE_CONFIG* config, WDF_OBJECT_ATTRIBUTES* attributes, WDFQUEUE* queue);
    [Import("WdfIoQueueRetrieveNextRequest", Header = "wdf.h")] public static extern NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE queue, WDFREQUEST* request);
    [Import("WdfIoQueueFindRequest", Header = "wdf.h")]
    public static extern NTSTATUS WdfIoQueueFindRequest(WDFQUEUE queue, WDFREQUEST found, WDFFILEOBJECT fileObject, void* parameters, WDFREQUEST* request);
    [Import("WdfIoQueueRetrieveFoundRequest", Header = "wdf.h")]
    public static extern NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE queue, WDFREQUEST found, WDFREQUEST* request);
    [Import("WdfIoQueueRetrieveRequestByFileObject", Header = "wdf.h")]
    public static extern NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE queue, WDFFILEOBJECT fileObject, WDFREQUEST* request);
    [Import("WdfObjectDereference", Header = "wdf.h")] public static extern void WdfObjectDereference(WDFREQUEST request);
    [Import("WdfIoQueueGetDevice", Header = "wdf.h")] public static extern WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE queue);
}
