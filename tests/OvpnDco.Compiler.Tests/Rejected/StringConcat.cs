using OvpnDco.Runtime;
public static class StringConcat
{
    [Export("f")]
    public static int F(int v, int w)
    {
        Trace("a" + Name(v)); // expect: IL2C0005
        return w;
    }
    private static string Name(int v) => v > 0 ? "pos" : "neg";
    [Import("trace")]
    private static extern void Trace(string s);
}
