using OvpnDco.Runtime;
[ExternType("WDFDEVICE")]
public struct WDFDEVICE { public nint Value; }
public static unsafe class ExternTypeWithoutHeader
{
    [Export("f")]
    public static int F(WDFDEVICE* d) => d == null ? 0 : 1; // expect: IL2C0016
}
