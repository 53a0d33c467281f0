namespace OvpnDco.Cli;

internal static class Program
{
    private static int Main()
    {
        System.Console.Error.WriteLine("ovpn-dco-cli: not built yet (needs the uapi and hosted-device issues).");
        return 2;
    }
}
