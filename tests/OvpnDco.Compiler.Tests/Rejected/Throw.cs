using OvpnDco.Runtime;
public static class Throw
{
    [Export("f")]
    public static int F(int v)
    {
        if (v < 0)
            throw new System.ArgumentException(); // expect: IL2C0003
        return v;
    }
}
