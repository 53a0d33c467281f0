using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>docs/diagnostics.md documents exactly the codes the compiler can report, and each has a rejection test or a reason.</summary>
public class DocumentationTests
{
    private static string[] Codes() => typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!).OrderBy(c => c).ToArray();

    [Test]
    public void EveryCompilerCodeIsDocumentedOnce()
    {
        var docs = File.ReadAllText(Path.Combine(NativeToolchain.RepoRoot, "docs", "diagnostics.md"));
        var section = docs[docs.IndexOf("## Compiler diagnostics (IL2C)", System.StringComparison.Ordinal)..];
        var documented = Regex.Matches(section, @"^\| (IL2C\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.That(documented, Is.EqualTo(Codes()));
    }

    [Test]
    public void RefusedConstructsHaveRejectionTests()
    {
        var tested = Directory.GetFiles(Path.Combine(System.AppContext.BaseDirectory, "Rejected"), "*.cs")
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"expect: (IL2C\d{4})").Select(m => m.Groups[1].Value))
            .ToHashSet();
        // Not reachable from C# source: virtual dispatch is refused as a class type first (IL2C0009), and stack shapes,
        // unresolved members and unreadable assemblies are tested where they arise (CliTests, FindImplementation).
        var untestable = new[] { ErrorCodes.VirtualDispatch, ErrorCodes.UnresolvedMember, ErrorCodes.UnsupportedStack, ErrorCodes.BadAssembly };
        Assert.That(Codes().Except(untestable), Is.SubsetOf(tested));
    }
}
