using OvpnDco.Runtime;
public static class UnpluggedCall
{
    [Export("f")]
    public static int F(int v) => System.Environment.ProcessorCount + v; // expect: IL2C0008
}
