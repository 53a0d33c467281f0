using OvpnDco.Runtime;
public static class TypeTest
{
    [Export("f")]
    public static int F(System.IDisposable d) => d is System.IAsyncDisposable ? 1 : 0; // expect: IL2C0009
}
