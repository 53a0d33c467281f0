namespace OvpnDco.Il2c;

internal static class Program
{
    private static int Main(string[] args)
    {
        System.Console.Error.WriteLine("ovpn-il2c: the compiler is not built yet (see README: issue 'The IL→C compiler').");
        return args.Length == 0 ? 2 : 2;
    }
}
