using BenchmarkDotNet.Running;

namespace OvpnDco.Bench.Driver;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/driver -- --filter '*'</c> (add <c>--job short</c> for a quick run).
    /// </summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
