using System.Linq;
using System;
using System.IO;
using OvpnDco.Compiler;
using OvpnDco.TestSupport;

namespace OvpnDco.Native.Tests;

/// <summary>
/// The kernel binding (driver/OvpnDco.Driver.Kernel) transpiled for the kernel target compiles in the MSVC dialect
/// with no GNU extensions, against the kernel backend's declarations (runtime-kernel/km/ovpn_km.h), for every
/// architecture the driver ships for, and is the same C on every run.
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

    [TestCase("x86_64-pc-windows-msvc")]
    [TestCase("i686-pc-windows-msvc")]
    [TestCase("aarch64-pc-windows-msvc")]
    public void KernelOutputCompilesInTheMsvcDialect(string triple)
    {
        var dir = Path.Combine(NativeDriver.Directory, "kernel-" + triple);
        Transpile(dir);
        var km = Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km");
        var result = NativeToolchain.Run(
            $"{NativeToolchain.Clang} --target={triple} -ffreestanding -std=c11 -fsyntax-only -Werror -Wall -Wextra -Wpedantic " +
            $"-DOVPN_RT_KERNEL -I {NativeToolchain.Quote(NativeToolchain.Include)} -I {NativeToolchain.Quote(km)} -I . *.c {NativeToolchain.Quote(Path.Combine(km, "ovpn_rt_km.c"))}",
            dir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(File.ReadAllText(Path.Combine(dir, "ovpndco.h")), Does.Contain("#include \"ovpn_km.h\""));
        var sources = Directory.GetFiles(dir, "*.c");
        Assert.That(sources.Select(Path.GetFileName), Does.Contain("io.c").And.Contain("driver_exports.c"), "one .c per C# source file");
        Assert.That(string.Concat(sources.Select(File.ReadAllText)), Does.Not.Contain("ovpn_hosted_"), "no hosted backend in the kernel output");
    }

    [Test]
    public void KernelOutputIsDeterministic()
    {
        var first = Transpile(Path.Combine(NativeDriver.Directory, "kernel-a"));
        var second = Transpile(Path.Combine(NativeDriver.Directory, "kernel-b"));
        Assert.That(second, Is.EqualTo(first));
    }
}
