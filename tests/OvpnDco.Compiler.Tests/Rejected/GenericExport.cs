using OvpnDco.Runtime;
public static class GenericExport
{
    [Export("f")]
    public static T F<T>(T v) => v; // expect: IL2C0011
}
