using System;
using System.Diagnostics;
using BenchmarkDotNet.Running;

namespace OvpnDco.Bench.Driver;

public static class Program
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/driver -- --filter '*'</c> (add <c>--job short</c> for a quick run).
    /// <c>-- timed</c> / <c>-- timed-none</c>: the managed half of bench/datapath/run.sh, measured the way its native
    /// "timed" run is (wall clock, best of 5 rounds of 10 x 2048 packets, ns per packet), so that run.sh can interleave
    /// the two on a shared box.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args.Length == 1 && args[0] is "timed" or "timed-none")
        {
            double ns = Timed(args[0] == "timed-none" ? "none" : "aes-256-gcm");
            Console.WriteLine(ns.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static double Timed(string cipher)
    {
        const int packets = 2048;
        var bench = new ManagedVsNativeBenchmark { Cipher = cipher };
        bench.Setup();
        // Tiered JIT: a method is recompiled optimised after it has run for a while (100 ms call-counting delay, then
        // in the background); run a second, pause, run again, so that the rounds time the final code, as
        // BenchmarkDotNet's warm-up does.
        for (int pass = 0; pass < 2; pass++)
        {
            for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 1000;)
                bench.DriverRoundTrip();
            System.Threading.Thread.Sleep(200);
        }
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 10 * packets; i++)
                bench.DriverRoundTrip();
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / (10.0 * packets));
        }
        bench.Cleanup();
        return best;
    }
}
