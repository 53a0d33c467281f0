using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

/// <summary>File objects (wdffileobject.h): one per open handle of \\.\ovpn-dco.</summary>
public unsafe partial struct KernelWdk
{
    [Import("WdfFileObjectGetDevice", Header = "wdf.h")] public static extern WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT fileObject);
}
