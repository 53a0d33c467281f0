using OvpnDco.Runtime;
public abstract class Shape { public abstract int Area(); }
public static class VirtualCall
{
    [Export("f")]
    public static int F(Shape s) => s.Area(); // expect: IL2C0009
}
