using OvpnDco.Runtime;
public struct Tag { public int V; }
public static class StructToString
{
    [Export("f")]
    public static int F(int v)
    {
        var t = new Tag { V = v };
        return t.GetHashCode(); // expect: IL2C0007
    }
}
