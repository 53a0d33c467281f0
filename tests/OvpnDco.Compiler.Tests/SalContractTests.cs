using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// The IRQL, lock and buffer contracts declared in C# (runtime-kernel/OvpnDco.Runtime/Contracts) are emitted as SAL on
/// the generated prototypes — only where declared — and the output compiles where the macros are real (the WDK's
/// sal.h + driverspecs.h, through ../shared/tools/wdk-cc) and where they are empty (gcc). Also: an assembly's
/// [assembly: CFile] files are written next to the output when one of its imports uses them as header.
/// </summary>
public class SalContractTests
{
    private const string Source = """
        using OvpnDco.Runtime;

        [assembly: CFile("sal_probe_trace.h", "#ifndef SAL_PROBE_TRACE_H\n#define SAL_PROBE_TRACE_H\nvoid sal_probe_event(int value);\n#endif\n")]
        [assembly: CFile("sal_probe_trace.c", "#include \"sal_probe_trace.h\"\nvoid sal_probe_event(int value) { (void)value; }\n")]
        [assembly: CFile("unused_other.h", "/* never used */\n")]

        public struct SpinLock { public int Word; }

        public static unsafe class Probe
        {
            [Import("sal_probe_event", Header = "sal_probe_trace.h")]
            public static void Event(int value) { }

            [Export("probe_acquire"), Irql(KIrql.Dispatch), IrqlRaises(KIrql.Dispatch), AcquiresLock("*l")]
            public static byte Acquire(SpinLock* l) { l->Word = 1; return 0; }

            [Export("probe_release"), Irql(KIrql.Dispatch), ReleasesLock("*l")]
            public static void Release(SpinLock* l, [IrqlRestores] byte previous) { l->Word = previous; }

            [Export("probe_under_lock"), Irql(KIrql.Dispatch), RequiresLock("*l")]
            public static int UnderLock(SpinLock* l, [InBytes(nameof(length))] byte* data, int length, [OutBytes(nameof(size))] byte* output, int size)
            {
                Event(length);
                if (size > 0)
                    output[0] = length > 0 ? data[0] : (byte)0;
                return l->Word;
            }

            [Export("probe_passive"), Irql(KIrql.Passive)]
            public static int Passive(int x) => x + 1;

            [Export("probe_paged"), Pageable]
            public static int Paged(int x) => x + 2;

            [Export("probe_plain")]
            public static int Plain(ref int x, byte* p, int length) => x += length + (p == null ? 0 : 1);
        }
        """;

    private static IReadOnlyDictionary<string, string> Output()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-sal-{Environment.ProcessId}");
        var dll = CorpusBuild.Build("SalProbe", new Dictionary<string, string> { ["SalProbe.cs"] = Source }, OptimizationLevel.Release, dir);
        var output = IlToC.Compile(dll, new CompilerOptions { ModuleName = "salprobe" });
        IlToC.WriteOutput(output, Path.Combine(dir, "c"));
        return output.Files;
    }

    private static string Prototype(string header, string name) =>
        header.Split('\n').Single(l => l.Contains(" " + name + "(", StringComparison.Ordinal) || l.Contains("*" + name + "(", StringComparison.Ordinal));

    [Test]
    public void TheContractsAppearOnThePrototypes()
    {
        var h = Output()["salprobe.h"];
        Assert.Multiple(() =>
        {
            Assert.That(Prototype(h, "probe_acquire"), Is.EqualTo(
                "_Acquires_lock_(*l) _IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_raises_(DISPATCH_LEVEL) _IRQL_saves_ uint8_t probe_acquire(SpinLock *l);"));
            Assert.That(Prototype(h, "probe_release"), Is.EqualTo(
                "_Releases_lock_(*l) _IRQL_requires_max_(DISPATCH_LEVEL) void probe_release(SpinLock *l, _IRQL_restores_ uint8_t previous);"));
            Assert.That(Prototype(h, "probe_under_lock"), Is.EqualTo(
                "_Requires_lock_held_(*l) _IRQL_requires_max_(DISPATCH_LEVEL) int32_t probe_under_lock(SpinLock *l, _In_reads_bytes_(length) uint8_t *data, int32_t length, _Out_writes_bytes_(size) uint8_t *output, int32_t size);"));
            Assert.That(Prototype(h, "probe_passive"), Is.EqualTo("_IRQL_requires_(PASSIVE_LEVEL) int32_t probe_passive(int32_t x);"));
            Assert.That(Prototype(h, "probe_paged"), Is.EqualTo("_IRQL_requires_max_(APC_LEVEL) int32_t probe_paged(int32_t x);"));
            // Nothing declared, nothing guessed: a raw pointer and its length stay unannotated.
            Assert.That(Prototype(h, "probe_plain"), Is.EqualTo("int32_t probe_plain(_Inout_ int32_t *x, uint8_t *p, int32_t length);"));
            Assert.That(h, Does.Contain("#if __has_include(<driverspecs.h>)\n#include <driverspecs.h>\n#endif"));
            Assert.That(h, Does.Contain("#ifndef _IRQL_requires_max_\n#define _IRQL_requires_max_(irql)\n#endif"));
        });
    }

    [Test]
    public void TheCFilesOfAnImportsHeaderAreWrittenWithTheBanner()
    {
        var files = Output();
        Assert.That(files.Keys, Is.EquivalentTo(new[] { "salprobe.h", "salprobe_internal.h", "sal_probe.c", "sal_probe_trace.h", "sal_probe_trace.c", "unused_other.h" }),
            "every CFile of the assembly whose header an import uses");
        Assert.That(files["sal_probe_trace.c"], Does.StartWith("/* sal_probe_trace.c - generated by ovpn-il2c from SalProbe ([assembly: CFile]); do not edit. */\n#include \"sal_probe_trace.h\"\n"));
        Assert.That(files["salprobe.h"], Does.Contain("#include \"sal_probe_trace.h\""));
        Assert.That(files["sal_probe.c"], Does.Contain("sal_probe_event(length);"));
    }

    [Test]
    public void TheOutputCompilesWithEmptyMacros()
    {
        Output();
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-sal-{Environment.ProcessId}", "c");
        var result = NativeToolchain.Run($"gcc -std=c11 -Wall -Wextra -Werror -c -I {NativeToolchain.Quote(NativeToolchain.Include)} -I . sal_probe.c sal_probe_trace.c", dir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }

    [TestCase("x64"), TestCase("x86"), TestCase("arm64")]
    public void TheOutputCompilesAgainstTheWdkSalHeaders(string arch)
    {
        var wdkCc = Path.Combine(NativeToolchain.RepoRoot, "..", "shared", "tools", "wdk-cc");
        if (!File.Exists(wdkCc))
            Assert.Ignore("../shared/tools/wdk-cc (the WDK headers) is not beside this clone");
        Output();
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-sal-{Environment.ProcessId}", "c");
        // The WDK's sal.h and driverspecs.h define every macro for real here (no fallback is used).
        var probe = Path.Combine(dir, "wdk_probe.c");
        File.WriteAllText(probe, "#include \"salprobe.h\"\n#if !defined(_IRQL_requires_max_) || !defined(_Requires_lock_held_)\n#error the WDK's SAL is not in use\n#endif\n");
        var result = NativeToolchain.Run($"{NativeToolchain.Quote(wdkCc)} {arch} -c -Wall -Werror -DOVPN_RT_KERNEL -I {NativeToolchain.Quote(NativeToolchain.Include)} -I . sal_probe.c wdk_probe.c", dir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }
}
