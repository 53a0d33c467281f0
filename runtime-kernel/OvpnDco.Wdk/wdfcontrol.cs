using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

/// <summary>Control devices (wdfcontrol.h): a non-PnP device such as \\.\ovpn-dco-ver, deleted by the driver.</summary>
public unsafe partial struct KernelWdk
{
    /// <summary>SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R is a global UNICODE_STRING in wdmsec.h; callers pass their own.</summary>
    [Import("WdfControlDeviceInitAllocate", Header = "wdf.h")] public static extern PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER driver, UNICODE_STRING* sddl);
    [Import("WdfControlFinishInitializing", Header = "wdf.h")] public static extern void WdfControlFinishInitializing(WDFDEVICE device);
}
