using OvpnDco.Runtime;
public static class TryCatch
{
    private static int s_x;
    [Export("f")]
    public static int F(int v)
    {
        try { s_x = 100 / v; } // expect: IL2C0004
        catch (System.DivideByZeroException) { s_x = -1; }
        return s_x;
    }
}
