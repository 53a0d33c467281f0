using System.IO;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using OvpnDco.Compiler.Tests.Infrastructure;

namespace OvpnDco.Compiler.Tests;

/// <summary>
/// What the generated C reads like, on the corpus of <c>Corpus/Forwarding.cs</c> (its behaviour is checked by the
/// differential tests): temporaries forwarded into their use, Roslyn's locals named, enum members by name.
/// </summary>
[TestFixture(OptimizationLevel.Release)]
[TestFixture(OptimizationLevel.Debug)]
public class ReadabilityTests(OptimizationLevel level)
{
    private string Forwarding => File.ReadAllText(Path.Combine(CorpusRun.For(level).CDirectory, "forwarding.c"));

    private string Function(string name)
    {
        var m = Regex.Match(Forwarding, @"\n[^\n]*\b" + name + @"\([^\n]*\)\n\{\n(.*?)\n\}\n", RegexOptions.Singleline);
        Assert.That(m.Success, $"{name} is in forwarding.c");
        return m.Groups[1].Value;
    }

    [Test]
    public void NoUnnamedRoslynLocals() =>
        Assert.That(Forwarding, Does.Not.Match(@"\b(old_)?loc\d+\b"), "Roslyn's unnamed locals are forwarded or named for their type");

    [Test]
    public void PinnedPointersAreTheirValues()
    {
        var body = Function("fwd_fixed_spans");
        Assert.That(body, Does.Contain("pb = b.len != 0 ? b.ptr : NULL;"));
        Assert.That(body, Does.Not.Match(@"(?m)^\s+pb = NULL;"), "no unpinning store");
    }

    [Test]
    public void JoinValuesReadOnlyVariablesFoldPastCalls()
    {
        var body = Function("fwd_fixed_spans");
        Assert.That(body, Does.Not.Match(@"\bstk\d+_"), "the ?: of pb == NULL and pc == NULL land in the return");
        Assert.That(body, Does.Contain("pb == NULL ? 100 : 0"));
    }

    [Test]
    public void JoinsStoredIntoAnEnumNameItsMembers()
    {
        var body = Function("fwd_enum_join");
        Assert.That(body, Does.Match(@"t\.Step = closing != 0 \? \w+_NONE : \w+_FAILED;"));
        Assert.That(body, Does.Not.Match(@"\? \d+ :|: \d+;"));
    }

    [Test]
    public void ATestKeptAcrossAStoreIsNamedForWhatItTests()
    {
        var body = Function("fwd_test_across_store");
        // Release IL keeps the C# bool on the stack (the name comes from the test); Debug IL keeps the local
        Assert.That(body, Does.Match(@"\b(flag(_\d+)?|notify) = t\.Flag != 0;"));
        Assert.That(body, Does.Not.Match(@"\btmp\d+\b"));
    }

    [Test]
    public void AnOperandReadBeforeACallThatWritesItStaysBeforeIt()
    {
        var body = Function("fwd_read_before_write");
        var read = body.IndexOf("b.Value * 1000", System.StringComparison.Ordinal);
        var call = body.IndexOf("ovpn_forwarding_bump(&b)", System.StringComparison.Ordinal);
        Assert.That(read, Is.GreaterThanOrEqualTo(0).And.LessThan(call), body);
    }

    [Test]
    public void AFunctionPointerLoadedBeforeItsArgumentsIsCalledThroughTheField()
    {
        var body = Function("fwd_fn_pointer_field");
        // The first and last calls: no argument can change t.Apply, so the field is called directly; the second
        // call's argument Retarget(&t, …) changes it, so the pointer read first stays in a variable.
        Assert.That(body, Does.Match(@"t\.Apply\(v, ").Or.Match(@"method\(v, "));
        Assert.That(body, Does.Contain("(Corpus_Forwarding_Box){0}"), "default(Box) as a compound literal");
    }
}
