using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using OvpnDco.Compiler.Emit;
using OvpnDco.Compiler.Tests.Infrastructure;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// The C# <c>///</c> summary of a method is carried over as a C comment above its function (read from the source
/// file the PDB names), as plain ASCII text, in the .c file named after that source file.
/// </summary>
public class DocCommentTests
{
    private const string Source = """
        using OvpnDco.Runtime;

        namespace Docs;

        [KernelCode]
        public static class Doc
        {
            /// <summary>
            /// Adds <paramref name="a"/> to <see cref="Twice(int)"/> of <c>b</c> when a &lt; 10 — a test of the
            /// summary that a reader of the C sees.
            /// </summary>
            [Export("doc_sum")]
            public static int Sum(int a, int b) => a < 10 ? a + Twice(b) : a;

            // no summary: no comment but the origin
            private static int Twice(int x) => x * 2;
        }
        """;

    [Test]
    public void TheSummaryIsAPlainCommentAboveTheFunctionInTheFileOfItsSource()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-doc-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "Doc.cs");
        File.WriteAllText(path, Source);
        var dll = CorpusBuild.Build("Doc", new Dictionary<string, string> { [path] = File.ReadAllText(path) }, OptimizationLevel.Release, dir);
        var output = IlToC.Compile(dll, new CompilerOptions { ModuleName = "docs" });
        Assert.That(output.Files.Keys, Is.EquivalentTo(new[] { "docs.h", "docs_internal.h", "doc.c" }));
        var c = output.Files["doc.c"];
        Assert.That(c, Does.Contain(
            "/*\n * Adds a to Twice of b when a < 10 - a test of the summary that a reader of the C sees.\n */\n/* Docs.Doc.Sum (")
            .Or.Contain("/* Adds a to Twice of b when a < 10 - a test of the summary that a reader of the C sees. */\n/* Docs.Doc.Sum ("));
        var twice = c.IndexOf("/* Docs.Doc.Twice (", StringComparison.Ordinal);
        Assert.That(twice, Is.GreaterThan(0));
        Assert.That(c.Substring(0, twice).TrimEnd().EndsWith("}", StringComparison.Ordinal), Is.True, "no comment above Twice but its origin");
    }

    [Test]
    public void SummariesBecomeAsciiTextCutAfterASentence()
    {
        Assert.That(DocComments.Plain("<summary>A <see cref=\"T:Ns.Peer\"/> → B ≤ C…</summary>"), Is.EqualTo("A Peer -> B <= C..."));
        Assert.That(DocComments.Plain("<remarks>no summary</remarks>"), Is.Null);
        Assert.That(DocComments.Plain("<summary>Ends a */ comment.</summary>"), Is.EqualTo("Ends a * / comment."));
        var longText = string.Join(" ", Enumerable.Repeat("One sentence of words.", 40));
        var cut = DocComments.Plain($"<summary>{longText}</summary>")!;
        Assert.That(cut.Length, Is.LessThanOrEqualTo(DocComments.MaxLength));
        Assert.That(cut, Does.EndWith("words."));
    }
}
