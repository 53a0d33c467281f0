using OvpnDco.Runtime;
public static class TryFinally
{
    private static int s_x;
    [Export("f")]
    public static int F(int v)
    {
        try { s_x = v; } // expect: IL2C0004
        finally { s_x++; }
        return s_x;
    }
}
