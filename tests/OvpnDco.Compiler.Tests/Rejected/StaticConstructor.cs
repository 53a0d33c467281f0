using OvpnDco.Runtime;
public static class StaticConstructor
{
    private static int s_seed = Compute(); // expect: IL2C0010
    private static int Compute() => 42;
    [Export("f")]
    public static int F(int v) => v + s_seed;
}
