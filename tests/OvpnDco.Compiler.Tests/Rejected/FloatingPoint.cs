using OvpnDco.Runtime;
public static class FloatingPoint
{
    [Export("f")]
    public static int F(int v)
    {
        double d = v * 1.5; // expect: IL2C0002
        return (int)d;
    }
}
