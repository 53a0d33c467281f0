using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFDEVICE", Header = "wdf.h", IsHandle = true)] public struct WDFDEVICE { public nint Value; }
[ExternType("WDFFILEOBJECT", Header = "wdf.h", IsHandle = true)] public struct WDFFILEOBJECT { public nint Value; }

[ExternType("WDF_DEVICE_IO_TYPE", Header = "wdf.h")]
public enum WDF_DEVICE_IO_TYPE
{
    WdfDeviceIoBuffered = 2,
    WdfDeviceIoDirect = 3,
}

/// <summary>The file object callbacks of a device (create, close, cleanup).</summary>
[ExternType("WDF_FILEOBJECT_CONFIG", Header = "wdf.h")]
public unsafe struct WDF_FILEOBJECT_CONFIG
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<WDFDEVICE, WDFREQUEST, WDFFILEOBJECT, void> EvtDeviceFileCreate;
    public delegate* unmanaged[Stdcall]<WDFFILEOBJECT, void> EvtFileClose;
    public delegate* unmanaged[Stdcall]<WDFFILEOBJECT, void> EvtFileCleanup;
}

public unsafe partial struct KernelWdk
{
    [Import("WdfDeviceInitSetExclusive", Header = "wdf.h")] public static extern void WdfDeviceInitSetExclusive(PWDFDEVICE_INIT deviceInit, bool isExclusive);
    [Import("WdfDeviceInitSetIoType", Header = "wdf.h")] public static extern void WdfDeviceInitSetIoType(PWDFDEVICE_INIT deviceInit, WDF_DEVICE_IO_TYPE ioType);
    [Import("WdfDeviceInitAssignName", Header = "wdf.h")] public static extern NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT deviceInit, UNICODE_STRING* name);
    [Import("WdfDeviceInitFree", Header = "wdf.h")] public static extern void WdfDeviceInitFree(PWDFDEVICE_INIT deviceInit);
    [Import("WDF_FILEOBJECT_CONFIG_INIT", Header = "wdf.h")]
    public static extern void WDF_FILEOBJECT_CONFIG_INIT(WDF_FILEOBJECT_CONFIG* config,
        delegate* unmanaged[Stdcall]<WDFDEVICE, WDFREQUEST, WDFFILEOBJECT, void> create,
        delegate* unmanaged[Stdcall]<WDFFILEOBJECT, void> close, delegate* unmanaged[Stdcall]<WDFFILEOBJECT, void> cleanup);
    [Import("WdfDeviceInitSetFileObjectConfig", Header = "wdf.h")]
    public static extern void WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT deviceInit, WDF_FILEOBJECT_CONFIG* config, WDF_OBJECT_ATTRIBUTES* attributes);
    [Import("WdfDeviceCreate", Header = "wdf.h")]
    public static extern NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT* deviceInit, WDF_OBJECT_ATTRIBUTES* attributes, WDFDEVICE* device);
    [Import("WdfDeviceCreateSymbolicLink", Header = "wdf.h")] public static extern NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE device, UNICODE_STRING* name);
    [Import("WdfDeviceCreateDeviceInterface", Header = "wdf.h")]
    public static extern NTSTATUS WdfDeviceCreateDeviceInterface(WDFDEVICE device, GUID* interfaceClass, UNICODE_STRING* referenceString);
    [Import("WdfDeviceWdmGetDeviceObject", Header = "wdf.h")] public static extern PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE device);
}
