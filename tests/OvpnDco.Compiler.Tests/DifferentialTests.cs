using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// Every corpus case runs under .NET and as C generated from the same IL (Debug and Release flavours),
/// compiled with gcc -O2 -Wall -Wextra -Werror and ASan+UBSan; the results must be equal, and cases where
/// C# throws must fail fast in C with the right message.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class DifferentialTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        // Discovery compiles the corpus once (Release) just to list its cases; the runs build both flavours.
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ovpndco-corpus-list-{Environment.ProcessId}");
        var dll = CorpusBuild.Build("Corpus", CorpusBuild.ReadFolder("Corpus"), OptimizationLevel.Release, dir);
        var asm = new System.Runtime.Loader.AssemblyLoadContext("corpus-list", true).LoadFromAssemblyPath(dll);
        foreach (var level in new[] { OptimizationLevel.Release, OptimizationLevel.Debug })
            foreach (var c in CorpusRun.Discover(asm))
                yield return new TestCaseData(level, c.Index).SetName($"{level}: {c.Display}");
    }

    /// <summary>The exact .NET exception each C fail-fast message stands for (no base types, no alternatives).</summary>
    private static readonly Dictionary<string, Type> ExpectedException = new()
    {
        ["division by zero"] = typeof(DivideByZeroException),
        ["arithmetic overflow"] = typeof(OverflowException),
        ["index out of range"] = typeof(IndexOutOfRangeException),
        ["slice out of range"] = typeof(ArgumentOutOfRangeException),
        ["destination too short"] = typeof(ArgumentException),
    };

    [TestCaseSource(nameof(Cases))]
    public void ManagedAndNativeAgree(OptimizationLevel level, int index)
    {
        var run = CorpusRun.For(level);
        var c = run.Cases[index];
        if (c.FailMessage == null)
        {
            var managed = run.RunManaged(c);
            Assert.That(run.NativeResults.TryGetValue(index, out var native), Is.True, $"native program printed nothing for {c.Display}");
            Assert.That(native, Is.EqualTo(managed), $"{c.Display}: .NET gave {managed}, C gave {native}");
            return;
        }
        var thrown = Assert.Throws<TargetInvocationException>(() => run.RunManaged(c), $"{c.Display} should throw under .NET");
        Assert.That(ExpectedException.TryGetValue(c.FailMessage, out var expected), Is.True, $"{c.Display}: no .NET exception known for \"{c.FailMessage}\"");
        Assert.That(thrown!.InnerException, Is.TypeOf(expected!), $"{c.Display} fails with \"{c.FailMessage}\" in C");
        var result = NativeToolchain.Run($"./corpus {index}", run.Directory);
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), $"{c.Display} should fail fast in C; printed {result.Stdout}");
        Assert.That(result.Stderr, Does.Contain($"ovpn-rt: fail-fast: {c.FailMessage}"));
    }

    [TestCase(OptimizationLevel.Release)]
    [TestCase(OptimizationLevel.Debug)]
    public void CorpusHasEnoughCases(OptimizationLevel level)
    {
        var run = CorpusRun.For(level);
        Assert.That(run.Cases.Count, Is.GreaterThanOrEqualTo(150));
        Assert.That(run.Cases.Count(c => c.FailMessage != null), Is.GreaterThanOrEqualTo(10));
    }

    [TestCase(OptimizationLevel.Release, "x86_64-pc-windows-msvc")]
    [TestCase(OptimizationLevel.Debug, "x86_64-pc-windows-msvc")]
    [TestCase(OptimizationLevel.Release, "i686-pc-windows-msvc")]
    [TestCase(OptimizationLevel.Release, "aarch64-pc-windows-msvc")]
    public void GeneratedCCompilesInTheMsvcDialectForTheKernel(OptimizationLevel level, string triple)
    {
        var run = CorpusRun.For(level);
        var output = IlToC.Compile(run.Dll, new CompilerOptions { Target = Target.Kernel });
        var dir = System.IO.Path.Combine(run.Directory, "kernel");
        IlToC.WriteOutput(output, dir);
        var km = System.IO.Path.Combine(NativeToolchain.RepoRoot, "runtime-kernel", "km", "ovpn_rt_km.c");
        var result = NativeToolchain.Run(
            // -Wpedantic: no GNU extensions in the kernel target (MSVC's own, like __declspec, are the dialect).
            $"{NativeToolchain.Clang} --target={triple} -ffreestanding -std=c11 -fsyntax-only -Werror -Wall -Wextra -Wpedantic " +
            $"-DOVPN_RT_KERNEL -I {NativeToolchain.Quote(NativeToolchain.Include)} -I kernel kernel/*.c {NativeToolchain.Quote(km)}", run.Directory);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }

    [TestCase(OptimizationLevel.Release)]
    [TestCase(OptimizationLevel.Debug)]
    public void GeneratedCIsCleanUnderClangWeverything(OptimizationLevel level)
    {
        var run = CorpusRun.For(level);
        var result = NativeToolchain.Run(
            $"{NativeToolchain.Clang} {NativeToolchain.WeverythingFlags} -fsyntax-only -I {NativeToolchain.Quote(NativeToolchain.Include)} -I c c/*.c",
            run.Directory);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }
}
