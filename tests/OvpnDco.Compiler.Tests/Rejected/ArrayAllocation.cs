using OvpnDco.Runtime;
public static class ArrayAllocation
{
    [Export("f")]
    public static int F(int v)
    {
        var a = new int[v]; // expect: IL2C0003
        return a.Length;
    }
}
