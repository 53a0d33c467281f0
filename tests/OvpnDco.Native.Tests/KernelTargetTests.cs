using System.Linq;
using System;
using System.IO;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// The Windows driver (driver/OvpnDco.Driver.Kernel) transpiled for the kernel target compiles against the real WDK
/// headers (its extern types are the headers' own) for every architecture the driver ships for, and is the same C on
/// every run. tests/OvpnDco.Kernel.Tests checks the objects' imports.
/// </summary>
public class KernelTargetTests
{
    private static string Transpile(string dir)
    {
        var output = IlToC.Compile(Path.Combine(AppContext.BaseDirectory, "OvpnDco.Driver.Kernel.dll"),
            new CompilerOptions { Target = Target.Kernel, ModuleName = "ovpndco" });
        IlToC.WriteOutput(output, dir);
        return output.Sha256();
    }

    [TestCase("x64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void KernelOutputCompilesInTheMsvcDialect(string arch)
    {
        var wdkCc = Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");
        if (!File.Exists(wdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone: the kernel output includes them");
        var dir = Path.Combine(NativeDriver.Directory, "kernel-" + arch);
        Transpile(dir);
        var km = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km");
        var result = NativeToolchain.Run(
            $"{NativeToolchain.Quote(wdkCc)} {arch} -fsyntax-only -Werror -Wall -Wextra -Wno-unused-parameter " +
            $"-DOVPN_RT_KERNEL -I {NativeToolchain.Quote(NativeToolchain.Include)} -I {NativeToolchain.Quote(km)} -I . *.c",
            dir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(File.ReadAllText(Path.Combine(dir, "ovpndco.h")), Does.Contain("#include \"ovpn_km.h\""));
        var sources = Directory.GetFiles(dir, "*.c");
        Assert.That(sources.Select(Path.GetFileName), Does.Contain("io.c").And.Contain("driver_exports.c"), "one .c per C# source file");
        // ovpn_trace.c (the trace events, generated once for every target) keeps its hosted sink under #ifndef _KERNEL_MODE.
        Assert.That(string.Concat(sources.Where(f => Path.GetFileName(f) != "ovpn_trace.c").Select(File.ReadAllText)), Does.Not.Contain("ovpn_hosted_"),
            "no hosted backend in the kernel output");
    }

    [Test]
    public void KernelOutputIsDeterministic()
    {
        var first = Transpile(Path.Combine(NativeDriver.Directory, "kernel-a"));
        var second = Transpile(Path.Combine(NativeDriver.Directory, "kernel-b"));
        Assert.That(second, Is.EqualTo(first));
    }
}
