using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// [ExternType]: a struct or enum declared by a header is spelled by its C name, never defined, its header included
/// (WDK base headers first), its fields named as C names them ([CName]), sizeof(CTYPE); NTAPI callbacks taken with
/// &amp;Method print OVPN_RT_STDCALL on the typedef and the definition. Checked against the real KMDF headers with
/// wdk-cc on three architectures, and by running the same C against a small stand-in header (hosted gcc).
/// </summary>
public class ExternTypeTests
{
    private static string WdkCc => Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");

    private static (string Dir, string Header, string Source) Transpile(OptimizationLevel level)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-extern-{level}-{Environment.ProcessId}");
        var dll = CorpusBuild.Build("WdfDriverSample", CorpusBuild.ReadFolder("Extern"), level, dir);
        var output = IlToC.Compile(dll, new CompilerOptions { ModuleName = "wdfsample" });
        IlToC.WriteOutput(output, dir);
        // one .c per C# source file: the functions are checked over all of them
        var source = string.Concat(output.Files.Where(f => f.Key.EndsWith(".c", StringComparison.Ordinal)).Select(f => f.Value));
        return (dir, output.Files["wdfsample.h"], source);
    }

    [TestCase(OptimizationLevel.Release)]
    [TestCase(OptimizationLevel.Debug)]
    public void ExternTypesAreTheHeadersOwn(OptimizationLevel level)
    {
        var (_, h, c) = Transpile(level);
        Assert.That(h, Does.Contain("#include \"ntddk.h\"\n#include \"wdf.h\"\n"), "base header first, then wdf.h");
        Assert.That(h, Does.Not.Match(@"struct\s+WDF_DRIVER_CONFIG\s*\{"), "never defined by us");
        Assert.That(h, Does.Not.Match(@"typedef[^;]*\bNTSTATUS;"), "scalar typedefs are the header's");
        Assert.That(h, Does.Not.Contain("_Static_assert(sizeof(struct WDF_DRIVER_CONFIG"), "no layout of ours to assert");
        Assert.That(h, Does.Contain("typedef NTSTATUS (OVPN_RT_STDCALL *fn_stdcall_"), "NTAPI function-pointer typedef");
        Assert.That(h, Does.Match(@"int32_t sample_config\(WDF_DRIVER_CONFIG \*config, uint32_t tag\);"));
        Assert.That(c, Does.Match(@"static (inline )?NTSTATUS OVPN_RT_STDCALL \w+\(WDFDRIVER driver, PWDFDEVICE_INIT init\)"));
        Assert.That(c, Does.Contain("config->DriverPoolTag = "), "[CName] field");
        Assert.That(c, Does.Contain("config->EvtDriverDeviceAdd = "));
        Assert.That(c, Does.Contain("sizeof(WDF_DRIVER_CONFIG)"));
        Assert.That(c, Does.Match(@"return .*\bMAXUSHORT - (\(uint32_t\))?minus"), "a [CName] static readonly reads the header's constant");
        Assert.That(h + c, Does.Not.Contain("NtConstants"), "no global of ours for it");
        Assert.That(c, Does.Match(@"WDF_DRIVER_CONFIG_INIT\(config, \(?[^)]*\)?\w*device_add\)"), "the macro is called like a function");
    }

    [TestCase("x64")]
    [TestCase("x86")]
    [TestCase("arm64")]
    public void CompilesAgainstTheRealKmdfHeaders(string arch)
    {
        if (!File.Exists(WdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        var (dir, _, _) = Transpile(OptimizationLevel.Release);
        var build = NativeToolchain.Run($"{NativeToolchain.Quote(WdkCc)} {arch} -c -Wall -Werror -DOVPN_RT_KERNEL " +
            $"-I {NativeToolchain.Quote(NativeToolchain.Include)} -I . *.c", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var nm = NativeToolchain.Run("llvm-nm-14 *.o", dir);
        Assert.That(nm.Stdout, Does.Match(@"T _?sample_config"));
    }

    /// <summary>
    /// The same C, run: a stand-in header declares the types with other layouts than any C# one (fields in another
    /// order, padding) and the macro; the program checks what the generated code wrote and that the callback runs.
    /// </summary>
    [Test]
    public void RunsAgainstAStandInHeader()
    {
        var (dir, _, _) = Transpile(OptimizationLevel.Release);
        File.WriteAllText(Path.Combine(dir, "ntddk.h"), "typedef int NTSTATUS; typedef unsigned int ULONG;\n#define MAXUSHORT 0xffff\n");
        File.WriteAllText(Path.Combine(dir, "wdf.h"), """
            #include <string.h>
            typedef struct { void *p; } *WDFDRIVER;
            typedef struct { void *q; } *PWDFDEVICE_INIT;
            typedef NTSTATUS (*PFN_ADD)(WDFDRIVER, PWDFDEVICE_INIT);
            typedef struct { char pad[40]; ULONG DriverPoolTag; PFN_ADD EvtDriverDeviceAdd; ULONG Size; } WDF_DRIVER_CONFIG;
            static inline void WDF_DRIVER_CONFIG_INIT(WDF_DRIVER_CONFIG *c, PFN_ADD add)
            { memset(c, 0, sizeof *c); c->Size = sizeof *c; c->EvtDriverDeviceAdd = add; }
            """);
        File.WriteAllText(Path.Combine(dir, "main.c"), """
            #include <stdio.h>
            #include "wdfsample.h"
            int main(void) {
                WDF_DRIVER_CONFIG c;
                int size = sample_config(&c, 0x6F76706Eu);
                if (size != (int)sizeof(WDF_DRIVER_CONFIG) || c.Size != sizeof c || c.DriverPoolTag != 0x6F76706Eu) return 1;
                if (c.EvtDriverDeviceAdd((WDFDRIVER)8, (PWDFDEVICE_INIT)8) != 0) return 2;
                if (c.EvtDriverDeviceAdd((WDFDRIVER)8, (PWDFDEVICE_INIT)16) != 1) return 3;
                if (sample_max_ushort(5) != 65530) return 4;
                puts("ok");
                return 0;
            }
            """);
        var build = NativeToolchain.Run($"gcc -std=c11 -O2 -Wall -Wextra -Werror -I {NativeToolchain.Quote(NativeToolchain.Include)} -I . " +
            $"*.c {NativeToolchain.HostedSources} -lcrypto -lpthread -o sample", dir);
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Stderr);
        var run = NativeToolchain.Run("./sample", dir);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stdout + run.Stderr);
        Assert.That(run.Stdout, Does.Contain("ok"));
    }
}
