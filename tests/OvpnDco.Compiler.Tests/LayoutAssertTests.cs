using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// Every struct whose layout C# defines gets <c>_Static_assert</c>s of its size and of each field's offset (guarded by
/// <c>sizeof(void *) != 8</c> when pointers are inside), with .NET's numbers: a C layout that drifts from the C# one
/// fails the C build instead of corrupting whoever reads native memory through the C# struct.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class LayoutAssertTests
{
    private static CorpusRun Run => CorpusRun.For(OptimizationLevel.Release);

    /// <summary>The public header (types and layout asserts), not the one the .c files share.</summary>
    private static string Header() => File.ReadAllText(Directory.GetFiles(Run.CDirectory, "*.h").Single(f => !f.EndsWith("_internal.h", System.StringComparison.Ordinal)));

    [Test]
    public void EveryFieldOfEveryCorpusStructIsAssertedWithDotNetsOffsets()
    {
        var entries = LayoutAsserts.Parse(Header());
        Assert.That(entries.Where(e => e.ClrType == "Corpus.Node").Select(e => (e.Field, e.Only64Bit)),
            Is.EquivalentTo(new (string?, bool)[] { (null, true), ("Value", true), ("Next", true), ("Prev", true) }),
            "a struct with pointers: size and every offset, asserted where pointers are 8 bytes");
        Assert.That(entries.Where(e => e.ClrType == "Corpus.Packed").Select(e => e.Only64Bit).Distinct(), Is.EqualTo(new[] { false }),
            "a pointer-free struct is asserted on every target");
        Assert.That(entries.Count(e => e.ClrType == "Corpus.Key" && e.Field != null), Is.GreaterThanOrEqualTo(2), "explicit layout");

        var (mismatches, checkedTypes) = LayoutAsserts.CompareWithDotNet(Header(), new[] { Run.Managed });
        Assert.That(mismatches, Is.Empty);
        Assert.That(checkedTypes, Is.SupersetOf(new[] { "Corpus.Node", "Corpus.Packed", "Corpus.Key", "Corpus.Overlay", "Corpus.Point" }));
    }

    private static NativeToolchain.Result CompileHeader(string header, string name)
    {
        var dir = Path.Combine(Run.Directory, name);
        Directory.CreateDirectory(dir);
        var copy = Path.Combine(dir, "corpus.h");
        File.WriteAllText(copy, header);
        File.WriteAllText(Path.Combine(dir, "probe.c"), $"#include \"{Path.GetFileName(copy)}\"\n");
        return NativeToolchain.Run($"gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I {NativeToolchain.Quote(NativeToolchain.Include)} -I . probe.c", dir);
    }

    [Test]
    public void TheUntouchedHeaderCompiles()
    {
        var result = CompileHeader(Header(), "layout-untouched");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }

    [Test]
    public void AWrongOffsetFailsTheBuild()
    {
        var header = Header();
        var assert = new Regex(@"offsetof\(struct (\w+), Prev\) == (\d+)").Match(header);
        Assert.That(assert.Success, Is.True, "Node.Prev is asserted");
        var tampered = header.Replace(assert.Value, $"offsetof(struct {assert.Groups[1].Value}, Prev) == {int.Parse(assert.Groups[2].Value) + 4}");
        var result = CompileHeader(tampered, "layout-wrong-offset");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Stderr, Does.Contain("64-bit layout of Corpus.Node differs from .NET: field Prev"));
    }

    [Test]
    public void AStructThatDriftsFromItsCSharpLayoutFailsTheBuild()
    {
        // What the asserts are for: the C definition changes (a field wider than in C#), the numbers do not.
        var header = Header();
        var definition = new Regex(@"struct (\w+) \{\n    int32_t Value;\n    \w+ \*Next;").Match(header);
        Assert.That(definition.Success, Is.True, "Node's C definition");
        var tampered = header.Replace(definition.Value, definition.Value.Replace("int32_t Value;", "int64_t Value; int64_t extra;"));
        var result = CompileHeader(tampered, "layout-drift");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Stderr, Does.Contain("64-bit layout of Corpus.Node differs from .NET: field Next"));
        Assert.That(result.Stderr, Does.Contain("64-bit layout of Corpus.Node differs from .NET\""), "the size too");
    }

    [Test]
    public void APackedStructThatLosesItsPackingFailsTheBuild()
    {
        var header = Header();
        var pack = new Regex(@"#pragma pack\(push, 1\)\n(struct \w+ \{[^}]*\};)\n#pragma pack\(pop\)").Match(header);
        Assert.That(pack.Success, Is.True, "Packed is emitted with #pragma pack(1)");
        var result = CompileHeader(header.Replace(pack.Value, pack.Groups[1].Value), "layout-unpacked");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Stderr, Does.Contain("layout of Corpus.Packed differs from .NET"));
    }
}
