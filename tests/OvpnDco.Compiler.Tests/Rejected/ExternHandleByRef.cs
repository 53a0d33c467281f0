using OvpnDco.Runtime;
[ExternType("WDFTIMER", Header = "wdf.h", IsHandle = true)]
public struct WDFTIMER { public nint Value; }
public static unsafe class ExternHandleByRef
{
    [Export("f")]
    public static nint* F(WDFTIMER* t) => &t->Value; // expect: IL2C0016
}
