using OvpnDco.Runtime;
public static class Boxing
{
    [Export("f")]
    public static int F(int v)
    {
        object o = v; // expect: IL2C0007
        return o == null ? 0 : 1;
    }
}
