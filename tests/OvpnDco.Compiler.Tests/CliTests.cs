using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>ovpn-il2c as a user runs it: exit codes, messages, and no partial output after an error.</summary>
public class CliTests
{
    private static string Cli => Path.Combine(System.AppContext.BaseDirectory, "ovpn-il2c.dll");

    private static NativeToolchain.Result Il2c(string args) =>
        NativeToolchain.Run($"dotnet {NativeToolchain.Quote(Cli)} {args}");

    [Test]
    public void CompilesTheCorpusAndTheOutputBuildsWithTheDocumentedCommand()
    {
        var run = CorpusRun.For(OptimizationLevel.Release);
        var outDir = Path.Combine(run.Directory, "cli-out");
        var result = Il2c($"compile {NativeToolchain.Quote(run.Dll)} --out {NativeToolchain.Quote(outDir)} --target hosted");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout, Does.Match("functions, [0-9]+ files, .* sha256 [0-9a-f]{64}"));
        // The C API header, the header the .c files share, and one .c per C# source file, named after it and
        // saying which file it came from on its first line.
        var files = Directory.GetFiles(outDir).Select(Path.GetFileName).ToList();
        Assert.That(files, Does.Contain("corpus.h").And.Contain("corpus_internal.h"));
        var sources = files.Where(f => f!.EndsWith(".c", System.StringComparison.Ordinal)).ToList();
        Assert.That(sources, Has.Count.GreaterThan(5), "the corpus has many source files");
        foreach (var c in sources)
        {
            var first = File.ReadLines(Path.Combine(outDir, c!)).First();
            var m = System.Text.RegularExpressions.Regex.Match(first, @"\((Corpus/(\w+)\.cs)\)");
            Assert.That(m.Success, Is.True, $"{c}: {first}");
            var snake = System.Text.RegularExpressions.Regex.Replace(m.Groups[2].Value, "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant();
            Assert.That(c, Is.EqualTo(snake + ".c"), first);
        }
        Assert.That(result.Stdout, Does.Contain($"{sources.Count + 2} files"));
        var root = NativeToolchain.RepoRoot;
        var cc = NativeToolchain.Run(
            $"cc -std=c11 -O2 -I {NativeToolchain.Quote(Path.Combine(root, "runtime-kernel/include"))} -I {NativeToolchain.Quote(outDir)} " +
            $"{NativeToolchain.Quote(outDir)}/*.c {NativeToolchain.Quote(Path.Combine(root, "runtime-kernel/hosted"))}/*.c -lcrypto -lpthread -shared -fPIC -o corpus.so",
            run.Directory);
        Assert.That(cc.ExitCode, Is.EqualTo(0), cc.Stderr);
    }

    [Test]
    public void ARefusedAssemblyExitsOneWithTheDiagnosticAndLeavesNoOutput()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-cli-bad-{System.Environment.ProcessId}");
        var text = File.ReadAllText(Path.Combine(System.AppContext.BaseDirectory, "Rejected", "Boxing.cs"));
        var dll = CorpusBuild.Build("Boxing", new System.Collections.Generic.Dictionary<string, string> { ["Rejected/Boxing.cs"] = text }, OptimizationLevel.Release, dir);
        var outDir = Path.Combine(dir, "out");
        // A previous good run left output behind: a failed compile must not leave it looking current.
        var run = CorpusRun.For(OptimizationLevel.Release);
        Assert.That(Il2c($"compile {NativeToolchain.Quote(run.Dll)} --out {NativeToolchain.Quote(outDir)}").ExitCode, Is.EqualTo(0));
        File.WriteAllText(Path.Combine(outDir, "user-notes.txt"), "not ours");

        var result = Il2c($"compile {NativeToolchain.Quote(dll)} --out {NativeToolchain.Quote(outDir)}");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("Rejected/Boxing.cs(7): error IL2C0007: boxing of"));
        Assert.That(Directory.GetFiles(outDir, "*.c").Concat(Directory.GetFiles(outDir, "*.h")), Is.Empty);
        Assert.That(File.Exists(Path.Combine(outDir, "user-notes.txt")), Is.True, "files the compiler did not write are left alone");
    }

    [TestCase("compile", 2)]
    [TestCase("compile x.dll --out o --target windows", 2)]
    [TestCase("compile /nonexistent/x.dll --out /tmp/ovpndco-never", 1)]
    public void BadCommandLinesGetClearErrors(string args, int exitCode)
    {
        var result = Il2c(args);
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Stdout + result.Stderr);
        Assert.That(result.Stderr, Is.Not.Empty);
        Assert.That(result.Stderr, Does.Not.Contain("   at "), "no stack traces for user errors");
    }
}
