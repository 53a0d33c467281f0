using System.IO;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;

namespace OvpnDco.Compiler.Tests;

/// <summary>The same IL gives byte-identical C: twice in one process, and from another folder.</summary>
public class DeterminismTests
{
    [Test]
    public void CompilingTwiceAndFromAnotherFolderGivesIdenticalBytes()
    {
        var run = CorpusRun.For(OptimizationLevel.Release);
        var first = IlToC.Compile(run.Dll, new CompilerOptions());
        var second = IlToC.Compile(run.Dll, new CompilerOptions());
        var elsewhere = Path.Combine(Path.GetTempPath(), $"ovpndco-determinism-{System.Environment.ProcessId}", "some", "other", "place");
        Directory.CreateDirectory(elsewhere);
        File.Copy(run.Dll, Path.Combine(elsewhere, "Corpus.dll"), true);
        File.Copy(Path.ChangeExtension(run.Dll, ".pdb"), Path.Combine(elsewhere, "Corpus.pdb"), true);
        var third = IlToC.Compile(Path.Combine(elsewhere, "Corpus.dll"), new CompilerOptions());

        Assert.That(second.Files, Is.EqualTo(first.Files));
        Assert.That(third.Files, Is.EqualTo(first.Files));
        Assert.That(third.Sha256(), Is.EqualTo(first.Sha256()));
    }

    [Test]
    public void RebuildingTheCorpusFromSourceGivesTheSameC()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-determinism-rebuild-{System.Environment.ProcessId}");
        var dll = CorpusBuild.Build("Corpus", CorpusBuild.ReadFolder("Corpus"), OptimizationLevel.Release, dir);
        var run = CorpusRun.For(OptimizationLevel.Release);
        Assert.That(IlToC.Compile(dll, new CompilerOptions()).Sha256(), Is.EqualTo(IlToC.Compile(run.Dll, new CompilerOptions()).Sha256()));
    }

    [Test]
    public void HostedAndKernelTargetsDifferOnlyWhereTheRuntimeDoes()
    {
        var run = CorpusRun.For(OptimizationLevel.Release);
        var hosted = IlToC.Compile(run.Dll, new CompilerOptions { Target = Target.Hosted });
        var kernel = IlToC.Compile(run.Dll, new CompilerOptions { Target = Target.Kernel });
        // The generated C is target-neutral; the runtime headers pick the backend.
        Assert.That(kernel.Files, Is.EqualTo(hosted.Files));
    }
}
