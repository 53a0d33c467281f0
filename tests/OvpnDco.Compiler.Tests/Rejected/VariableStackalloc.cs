using System;
using OvpnDco.Runtime;
public static class VariableStackalloc
{
    [Export("f")]
    public static int F(int n)
    {
        Span<byte> b = stackalloc byte[n]; // expect: IL2C0001
        return b.Length;
    }
}
