using OvpnDco.Runtime;
public sealed class Holder { public int Value; }
public static class ClassAllocation
{
    [Export("f")]
    public static int F(int v)
    {
        var h = new Holder(); // expect: IL2C0003
        return v;
    }
}
