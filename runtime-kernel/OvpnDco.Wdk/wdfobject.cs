using OvpnDco.Runtime;

namespace OvpnDco.Wdk;

[ExternType("WDFOBJECT", Header = "wdf.h", IsHandle = true)] public struct WDFOBJECT { public nint Value; }

/// <summary>Object attributes (wdfobject.h); WDF_OBJECT_ATTRIBUTES_INIT sets Size and the inherited levels.</summary>
[ExternType("WDF_OBJECT_ATTRIBUTES", Header = "wdf.h")]
public unsafe struct WDF_OBJECT_ATTRIBUTES
{
    public ULONG Size;
    public delegate* unmanaged[Stdcall]<WDFOBJECT, void> EvtCleanupCallback;
    public delegate* unmanaged[Stdcall]<WDFOBJECT, void> EvtDestroyCallback;
    public WDFOBJECT ParentObject;
    public nuint ContextSizeOverride;
}

public unsafe partial struct KernelWdk
{
    [Import("WDF_OBJECT_ATTRIBUTES_INIT", Header = "wdf.h")] public static extern void WDF_OBJECT_ATTRIBUTES_INIT(WDF_OBJECT_ATTRIBUTES* attributes);
    [Import("WdfObjectDelete", Header = "wdf.h")] public static extern void WdfObjectDelete(WDFOBJECT obj);
}
