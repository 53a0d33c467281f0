using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Mono.Cecil.Cil;
using OvpnDco.TestSupport;

namespace OvpnDco.Compiler.Tests;

/// <summary>Every IL opcode is either lowered or refused with its own diagnostic: none falls through unclassified.</summary>
public class OpcodeCoverageTests
{
    [Test]
    public void EveryOpcodeIsClassifiedByTheDispatcher()
    {
        var source = File.ReadAllText(Path.Combine(NativeToolchain.RepoRoot, "compiler", "OvpnDco.Compiler", "Lowering", "Opcodes.cs"));
        var named = Regex.Matches(source, @"Code\.(\w+)").Select(m => m.Groups[1].Value).ToHashSet();
        var unclassified = Enum.GetNames<Code>().Where(c => !named.Contains(c)).ToArray();
        Assert.That(unclassified, Is.Empty);
    }
}
