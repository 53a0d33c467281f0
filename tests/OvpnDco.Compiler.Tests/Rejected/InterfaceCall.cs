using OvpnDco.Runtime;
public interface ICounter { int Next(); }
public struct Counter : ICounter { public int N; public int Next() => ++N; }
public static class InterfaceCall
{
    [Export("f")]
    public static int F(int v)
    {
        ICounter c = new Counter { N = v }; // expect: IL2C0007
        return c.Next();
    }
}
