using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Tests.Infrastructure;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// Every construct outside the kernel subset stops the compile with its diagnostic, located at the C# line
/// marked <c>// expect: IL2C0xxx</c> — never a crash and never C output.
/// </summary>
public class RejectionTests
{
    public static IEnumerable<TestCaseData> Sources() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Rejected"), "*.cs")
            .OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(f => new[] { OptimizationLevel.Release, OptimizationLevel.Debug }
                .Select(level => new TestCaseData(Path.GetFileNameWithoutExtension(f), level).SetName($"{Path.GetFileNameWithoutExtension(f)} ({level})")));

    [TestCaseSource(nameof(Sources))]
    public void RefusedWithItsDiagnosticAtTheRightLine(string name, OptimizationLevel level)
    {
        var file = $"Rejected/{name}.cs";
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file));
        var lines = text.Split('\n');
        var marker = Array.FindIndex(lines, l => l.Contains("// expect: ", StringComparison.Ordinal));
        Assert.That(marker, Is.GreaterThanOrEqualTo(0), "test source without an expect marker");
        var expected = Regex.Match(lines[marker], "expect: (IL2C\\d{4})").Groups[1].Value;

        var dir = Path.Combine(Path.GetTempPath(), $"ovpndco-rejected-{name}-{level}-{Environment.ProcessId}");
        var dll = CorpusBuild.Build(name, new Dictionary<string, string> { [file] = text }, level, dir);
        var error = Assert.Throws<CompileError>(() => IlToC.Compile(dll, new CompilerOptions()))!;
        Assert.That(error.Code, Is.EqualTo(expected), error.Format());
        if (expected != ErrorCodes.NoEntryPoints)
        {
            Assert.That(error.Location?.File, Is.EqualTo(file), error.Format());
            Assert.That(error.Location!.Line, Is.EqualTo(marker + 1), error.Format());
            Assert.That(error.Format(), Does.StartWith($"{file}({marker + 1}): error {expected}: "));
            Assert.That(error.Format(), Does.Match(@"\[\S+::\S+ IL_[0-9a-f]{4}\]$"), "names the method and IL offset");
        }
    }
}
