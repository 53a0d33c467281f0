using System.Collections.Generic;
using System.IO;
using System.Linq;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// Kernel stacks are 12-24 KiB, shared at DISPATCH_LEVEL with NDIS, WSK and the network stack beneath the driver: no
/// function of the generated driver may take more than 512 bytes of stack frame. gcc's -fstack-usage on the hosted
/// build of the generated C (the kernel build is the same code), optimised and not (inlining moves frames around).
/// </summary>
public class StackUsageTests
{
    private const int Limit = 512;

    [TestCase("-O2", 20)]  // most functions are inlined into the entry points: their frames add up there
    [TestCase("-O0", 100)] // every function has its own frame
    public void EveryGeneratedFunctionFitsInHalfAKilobyteOfStack(string optimisation, int functionsAtLeast)
    {
        var dir = Path.Combine(NativeDriver.Directory, "stack-usage" + optimisation);
        if (Directory.Exists(dir))
            Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        var sources = Directory.GetFiles(NativeDriver.GeneratedC, "*.c");
        Assert.That(sources, Is.Not.Empty);
        foreach (var source in sources)
        {
            var r = NativeToolchain.Run(
                $"gcc -std=c11 {optimisation} -fstack-usage -c -I {NativeToolchain.Quote(NativeToolchain.Include)} " +
                $"-I {NativeToolchain.Quote(NativeDriver.GeneratedC)} {NativeToolchain.Quote(source)} -o {Path.GetFileNameWithoutExtension(source)}.o", dir);
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        }
        // <file>:<line>:<col>:<function>\t<bytes>\t<static|dynamic,bounded|dynamic>
        var frames = Directory.GetFiles(dir, "*.su").SelectMany(File.ReadAllLines)
            .Select(l => l.Split('\t'))
            .Select(f => (Function: f[0][(f[0].LastIndexOf(':') + 1)..], Bytes: int.Parse(f[1]), Kind: f[2]))
            .ToList();
        Assert.That(frames, Has.Count.GreaterThan(functionsAtLeast), "the driver's functions are listed");
        Assert.That(frames.Where(f => f.Kind == "dynamic").Select(f => f.Function), Is.Empty, "no unbounded dynamic frame (alloca of a runtime size)");
        var over = frames.Where(f => f.Bytes > Limit).OrderByDescending(f => f.Bytes).Select(f => $"{f.Function}: {f.Bytes} bytes").ToList();
        Assert.That(over, Is.Empty);
        TestContext.Out.WriteLine($"largest frame ({optimisation}): {frames.Max(f => f.Bytes)} bytes, {frames.OrderByDescending(f => f.Bytes).First().Function}");
    }
}
