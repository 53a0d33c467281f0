using System;
using OvpnDco.Runtime;
public static class Lambda
{
    [Export("f")]
    public static int F(int v) { Func<int, int> f = x => x + v; return f(1); } // expect: IL2C0003
}
