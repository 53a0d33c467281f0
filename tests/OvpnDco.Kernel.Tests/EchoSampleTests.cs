using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OvpnDco.Compiler;
using OvpnDco.EchoDriver;
using OvpnDco.TestSupport;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// samples/OvpnDco.EchoDriver, a second KMDF driver on the same toolchain: its logic under .NET, and its C (ovpn-il2c
/// --target kernel, as ./build.sh makes out/samples/echo/kernel) compiled with the WDK headers for x64, x86 and ARM64
/// with the kernel runtime, defining DriverEntry and importing only KMDF, Rtl and the CRT routines ntoskrnl exports.
/// </summary>
public class EchoSampleTests
{
    [Test]
    public void AReadReturnsWhatWasLastWritten()
    {
        Assert.That(EchoDriver.EchoDriver.Store(new byte[] { 1, 2, 3 }), Is.EqualTo(3));
        var output = new byte[8];
        Assert.That(EchoDriver.EchoDriver.Load(output), Is.EqualTo(3));
        Assert.That(output.Take(3), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(EchoDriver.EchoDriver.Load(new byte[2]), Is.EqualTo(-1), "a buffer shorter than the data: nothing copied");
        Assert.That(EchoDriver.EchoDriver.Store(new byte[EchoDriver.EchoDriver.Capacity + 1]), Is.EqualTo(-1), "over the capacity");
        Assert.That(EchoDriver.EchoDriver.Load(output), Is.EqualTo(3), "a refused write keeps the previous data");
        Assert.That(EchoDriver.EchoDriver.Store(ReadOnlySpan<byte>.Empty), Is.EqualTo(0));
        Assert.That(EchoDriver.EchoDriver.Load(Span<byte>.Empty), Is.EqualTo(0));
    }

    [TestCase("x64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void CompilesForTheWdkAsAKmdfDriver(string arch)
    {
        WdkHeaders.RequireOrIgnore();
        var dir = WdkHeaders.TempDirectory("echo-" + arch);
        foreach (var f in Directory.GetFiles(dir))
            File.Delete(f);
        IlToC.WriteOutput(IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.EchoDriver.dll"),
            new CompilerOptions { Target = Target.Kernel, ModuleName = "echo" }), dir);
        var km = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km");
        var sources = Directory.GetFiles(dir, "*.c").Append(Path.Combine(km, "ovpn_rt_km.c")).ToList();
        Assert.That(sources.Select(Path.GetFileName), Does.Contain("echo_driver.c"));
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var undefined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var obj = Path.Combine(dir, Path.GetFileNameWithoutExtension(source) + ".obj");
            var build = WdkHeaders.Compile(arch, $"-O2 -Wall -Werror -DOVPN_KM_WDK_HEADERS -I {NativeToolchain.Quote(km)} -I . " +
                $"{NativeToolchain.Quote(source)} -o {NativeToolchain.Quote(obj)}", dir);
            Assert.That(build.ExitCode, Is.EqualTo(0), $"{Path.GetFileName(source)} ({arch}):\n{build.Stderr}");
            var nm = NativeToolchain.Run($"llvm-nm-14 {NativeToolchain.Quote(obj)}", dir);
            foreach (var line in nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Trim().Split(' ');
                var symbol = parts[^1].Replace("__imp_", "", StringComparison.Ordinal).TrimStart('_');
                if (arch == "x86" && symbol.Contains('@'))
                    symbol = symbol[..symbol.IndexOf('@')];
                if (parts.Length >= 2 && parts[^2] == "U")
                    undefined.Add(symbol);
                else if (parts.Length >= 2 && parts[^2] == "T")
                    defined.Add(symbol);
            }
        }
        Assert.That(defined, Does.Contain("DriverEntry"));
        var imports = undefined.Where(u => !defined.Contains(u)).OrderBy(u => u, StringComparer.Ordinal).ToList();
        Assert.That(imports.Where(u => !(u.StartsWith("Wdf", StringComparison.Ordinal) || u.StartsWith("Rtl", StringComparison.Ordinal)
            || u.StartsWith("KeBugCheck", StringComparison.Ordinal) || u is "memmove" or "memset" or "memcpy" or "memcmp")), Is.Empty,
            "an echo device needs KMDF, Rtl and the CRT routines of ntoskrnl, nothing else: " + string.Join(" ", imports));
        Assert.That(imports, Does.Contain("WdfFunctions_01033"), "the KMDF function table");
        TestContext.Out.WriteLine($"{arch}: imports {string.Join(" ", imports)}");
    }
}
