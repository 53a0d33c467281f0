// Extern types against the real KMDF header: handles, a header struct with its C field names, a scalar typedef,
// a header macro imported as a function, a header constant read by name, and an NTAPI callback taken with &Method.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;

[ExternType("NTSTATUS", Header = "ntddk.h")] public enum NTSTATUS : int { }
[ExternType("ULONG", Header = "ntddk.h")] public enum ULONG : uint { }
[ExternType("WDFDRIVER", Header = "wdf.h", IsHandle = true)] public struct WDFDRIVER { public nint Handle; }
[ExternType("PWDFDEVICE_INIT", Header = "wdf.h", IsHandle = true)] public struct PWDFDEVICE_INIT { public nint Handle; }

[ExternType("WDF_DRIVER_CONFIG", Header = "wdf.h")]
public unsafe struct WDF_DRIVER_CONFIG
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<WDFDRIVER, PWDFDEVICE_INIT, NTSTATUS> EvtDriverDeviceAdd;
    [CName("DriverPoolTag")] public ULONG PoolTag;
}

/// <summary>Header constants: [CName] static readonly fields the C reads by the header's name.</summary>
public static class NtConstants
{
    [CName("MAXUSHORT")] public static readonly int MaxUShort = 0xffff;
}

public static unsafe class WdfDriverSample
{
    [Export("sample_max_ushort")]
    public static int MaxUShort(int minus) => NtConstants.MaxUShort - minus;

    [Import("WDF_DRIVER_CONFIG_INIT", Header = "wdf.h")]
    public static extern void WDF_DRIVER_CONFIG_INIT(WDF_DRIVER_CONFIG* config, delegate* unmanaged[Stdcall]<WDFDRIVER, PWDFDEVICE_INIT, NTSTATUS> add);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    public static NTSTATUS DeviceAdd(WDFDRIVER driver, PWDFDEVICE_INIT init) => driver.Handle == init.Handle ? (NTSTATUS)0 : (NTSTATUS)1;

    [Export("sample_config")]
    public static int Config(WDF_DRIVER_CONFIG* config, uint tag)
    {
        WDF_DRIVER_CONFIG_INIT(config, &DeviceAdd);
        config->PoolTag = (ULONG)tag;
        config->EvtDriverDeviceAdd = &DeviceAdd;
        return sizeof(WDF_DRIVER_CONFIG);
    }
}
