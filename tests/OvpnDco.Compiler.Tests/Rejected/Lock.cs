using OvpnDco.Runtime;
public static class Lock
{
    private static readonly object Gate = new object();
    private static int s_n;
    [Export("f")]
    public static int F(int v)
    {
        lock (Gate) // expect: IL2C0009
        {
            s_n += v;
        }
        return s_n;
    }
}
