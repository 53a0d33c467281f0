using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFREQUEST", Header = "wdf.h", IsHandle = true)] public struct WDFREQUEST { public nint Value; }

/// <summary>Request buffers and completion (wdfrequest.h).</summary>
public unsafe interface IWdfRequest
{
    static abstract NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length);
    static abstract NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length);
    static abstract void WdfRequestCompleteWithInformation(WDFREQUEST request, NTSTATUS status, nuint information);
    static abstract NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST request, WDFQUEUE queue);
    static abstract WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST request);
}

public unsafe partial struct KernelWdk : IWdfRequest
{
    [Import("WdfRequestRetrieveInputBuffer", Header = "wdf.h")]
    public static extern NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length);
    [Import("WdfRequestRetrieveOutputBuffer", Header = "wdf.h")]
    public static extern NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST request, nuint minimumLength, void** buffer, nuint* length);
    [Import("WdfRequestCompleteWithInformation", Header = "wdf.h")]
    public static extern void WdfRequestCompleteWithInformation(WDFREQUEST request, NTSTATUS status, nuint information);
    [Import("WdfRequestForwardToIoQueue", Header = "wdf.h")] public static extern NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST request, WDFQUEUE queue);
    [Import("WdfRequestGetFileObject", Header = "wdf.h")] public static extern WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST request);
}
