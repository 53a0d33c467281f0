using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFDRIVER", Header = "wdf.h", IsHandle = true)] public struct WDFDRIVER { public nint Value; }
[ExternType("PWDFDEVICE_INIT", Header = "wdf.h", IsHandle = true)] public struct PWDFDEVICE_INIT { public nint Value; }

[ExternType("WDF_DRIVER_CONFIG", Header = "wdf.h")]
public unsafe struct WDF_DRIVER_CONFIG
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<WDFDRIVER, PWDFDEVICE_INIT, NTSTATUS> EvtDriverDeviceAdd;
    public delegate* unmanaged[Stdcall]<WDFDRIVER, void> EvtDriverUnload;
    public ULONG DriverInitFlags;
    public ULONG DriverPoolTag;
}

public unsafe partial struct KernelWdk
{
    [Import("WDF_DRIVER_CONFIG_INIT", Header = "wdf.h")]
    public static extern void WDF_DRIVER_CONFIG_INIT(WDF_DRIVER_CONFIG* config, delegate* unmanaged[Stdcall]<WDFDRIVER, PWDFDEVICE_INIT, NTSTATUS> evtDriverDeviceAdd);
    [Import("WdfDriverCreate", Header = "wdf.h")]
    public static extern NTSTATUS WdfDriverCreate(PDRIVER_OBJECT driverObject, UNICODE_STRING* registryPath, WDF_OBJECT_ATTRIBUTES* attributes,
        WDF_DRIVER_CONFIG* config, WDFDRIVER* driver);
}
