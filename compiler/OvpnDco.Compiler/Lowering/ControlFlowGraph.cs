using System.Collections.Generic;
using System.Linq;

namespace OvpnDco.Compiler.Lowering;

// ---- what the lowering records: straight-line C statements and the IL's control transfers ----------------

/// <summary>One item of a lowered body, in IL order, before structuring.</summary>
internal abstract record Stmt;

/// <summary>A C statement without control transfer (assignment, call, check).</summary>
internal sealed record PlainStmt(string Text) : Stmt;

/// <summary>The start of an IL basic block that some branch targets (<c>IL_xxxx</c>, or a leave stub).</summary>
internal sealed record LabelStmt(string Name) : Stmt;

/// <summary>br / leave: an unconditional jump.</summary>
internal sealed record GotoStmt(string Target) : Stmt;

/// <summary>brtrue/brfalse/beq/...: jump to <paramref name="Target"/> when the condition holds, else fall through.</summary>
internal sealed record BranchStmt(string Condition, string Negated, string Target) : Stmt;

/// <summary>
/// IL <c>switch</c> (case labels 0..n-1; no match falls through, <paramref name="DefaultText"/> null) or the
/// continuation dispatch at the end of a finally block (no match runs <paramref name="DefaultText"/>, which never returns).
/// </summary>
internal sealed record SwitchStmt(string Value, IReadOnlyList<string> CaseLabels, IReadOnlyList<string> Targets, string? DefaultText) : Stmt;

/// <summary>ret: the complete C return statement.</summary>
internal sealed record ReturnStmt(string Text) : Stmt;

/// <summary>A two-way branch: go to <paramref name="True"/> when <paramref name="Condition"/> holds, else to <paramref name="False"/>.</summary>
internal sealed record BranchTest(string Condition, string Negated, BasicBlock True, BasicBlock False);

/// <summary>A basic block of the lowered body: straight-line statements and one terminator.</summary>
internal sealed class BasicBlock
{
    public BasicBlock(int index, string? label)
    {
        Index = index;
        Label = label;
    }

    public int Index { get; }
    public string? Label { get; }
    public List<string> Body { get; } = new();

    /// <summary>For a conditional branch: the test and both targets (after short-circuit conditions are fused).</summary>
    public BranchTest? Branch { get; set; }

    /// <summary>Goto/Branch/Switch/Return; null when the block falls into <see cref="Next"/>.</summary>
    public Stmt? Terminator { get; set; }

    /// <summary>The block after this one in IL order (the fall-through successor).</summary>
    public BasicBlock? Next { get; set; }

    public List<BasicBlock> Successors { get; } = new();
    public List<BasicBlock> Predecessors { get; } = new();
    public int Rpo { get; set; } = -1;
    public BasicBlock? Idom { get; set; }

    /// <summary>Children in the dominator tree, in reverse postorder.</summary>
    public List<BasicBlock> Children { get; } = new();

    /// <summary>For a loop header: the blocks of its natural loop (header included); null otherwise.</summary>
    public HashSet<BasicBlock>? Loop { get; set; }

    /// <summary>The sources of the back edges into this header.</summary>
    public List<BasicBlock> Latches { get; } = new();

    public override string ToString() => Label ?? $"B{Index}";
}

/// <summary>
/// The control-flow graph of one lowered method: basic blocks split at IL jump targets and after every
/// transfer, edges, reverse postorder, dominators (Cooper, Harvey and Kennedy's iterative algorithm) and
/// natural loops (a back edge is an edge to a block that dominates its source). <see cref="Structurer"/> turns
/// it into C statements.
/// </summary>
internal sealed class ControlFlowGraph
{
    private readonly Dictionary<string, BasicBlock> _byLabel = new();

    public ControlFlowGraph(IReadOnlyList<Stmt> statements)
    {
        var all = new List<BasicBlock>();
        BasicBlock? current = null;
        BasicBlock Start(string? label)
        {
            var b = new BasicBlock(all.Count, label);
            if (current != null)
                current.Next = b;
            all.Add(b);
            if (label != null)
                _byLabel[label] = b;
            return current = b;
        }
        foreach (var s in statements)
        {
            switch (s)
            {
                case LabelStmt l:
                    Start(l.Name);
                    break;
                case PlainStmt p:
                    (current == null || current.Terminator != null ? Start(null) : current).Body.Add(p.Text);
                    break;
                default:
                    (current == null || current.Terminator != null ? Start(null) : current).Terminator = s;
                    break;
            }
        }
        current ??= Start(null);

        Entry = Resolve(all[0]);
        foreach (var b in all)
            if (b.Terminator is BranchStmt br)
                b.Branch = new BranchTest(br.Condition, br.Negated, Resolve(_byLabel[br.Target]), Resolve(b.Next!));
        var fused = FuseConditions(all);
        foreach (var b in all.Where(b => !fused.Contains(b)))
            foreach (var t in b.Branch != null ? new[] { b.Branch.True, b.Branch.False } : RawTargets(b))
                if (t != null && !b.Successors.Contains(Resolve(t)))
                    b.Successors.Add(Resolve(t));

        // Reverse postorder of the blocks reachable from the entry (unreachable IL is dropped).
        var post = new List<BasicBlock>();
        var seen = new HashSet<BasicBlock>();
        var stack = new Stack<(BasicBlock Block, int Next)>();
        seen.Add(Entry);
        stack.Push((Entry, 0));
        while (stack.Count > 0)
        {
            var (b, i) = stack.Pop();
            if (i < b.Successors.Count)
            {
                stack.Push((b, i + 1));
                var s = b.Successors[i];
                if (seen.Add(s))
                    stack.Push((s, 0));
            }
            else
                post.Add(b);
        }
        post.Reverse();
        Blocks = post;
        for (var i = 0; i < Blocks.Count; i++)
            Blocks[i].Rpo = i;
        foreach (var b in Blocks)
            foreach (var s in b.Successors)
                s.Predecessors.Add(b);

        ComputeDominators();
        foreach (var b in Blocks.Skip(1))
            b.Idom!.Children.Add(b);
        FindLoops();
    }

    public BasicBlock Entry { get; }

    /// <summary>Reachable blocks in reverse postorder (entry first).</summary>
    public List<BasicBlock> Blocks { get; }

    /// <summary>Where control goes after <paramref name="b"/> falls off its end (null: the end of the function).</summary>
    public BasicBlock? FallTarget(BasicBlock b) => b.Next == null ? null : Resolve(b.Next);

    public BasicBlock Target(string label) => Resolve(_byLabel[label]);

    /// <summary>Jump threading: an empty block that only jumps on stands for its target.</summary>
    private BasicBlock Resolve(BasicBlock b)
    {
        var seen = new HashSet<BasicBlock>();
        while (b.Body.Count == 0 && seen.Add(b))
        {
            var next = b.Terminator switch
            {
                GotoStmt g => _byLabel[g.Target],
                null => b.Next,
                _ => null,
            };
            if (next == null)
                break;
            b = next;
        }
        return b;
    }

    /// <summary>
    /// Short-circuit conditions back into one test: a block that only tests (no statements, one predecessor) and
    /// shares a target with the test before it is folded into it — <c>if (a) { if (b) goto T; } goto F</c> is
    /// <c>if (a &amp;&amp; b) goto T; goto F</c>, and likewise for <c>||</c> and the negated forms. Returns the blocks
    /// folded away (no longer reachable).
    /// </summary>
    private HashSet<BasicBlock> FuseConditions(List<BasicBlock> all)
    {
        var gone = new HashSet<BasicBlock>();
        bool changed;
        do
        {
            changed = false;
            var preds = new Dictionary<BasicBlock, int>();
            foreach (var b in all.Where(b => !gone.Contains(b)))
                foreach (var t in (b.Branch != null ? new[] { b.Branch.True, b.Branch.False } : RawTargets(b).Where(t => t != null).Select(t => Resolve(t!))).Distinct())
                    preds[t] = preds.GetValueOrDefault(t) + 1;
            foreach (var b in all)
            {
                if (gone.Contains(b) || b.Branch is not { } x || x.True == x.False)
                    continue;
                foreach (var onTrue in new[] { true, false })
                {
                    var c = onTrue ? x.True : x.False;
                    if (c == b || c == Entry || c.Body.Count != 0 || c.Branch is not { } y || y.True == y.False || preds.GetValueOrDefault(c) != 1)
                        continue;
                    var other = onTrue ? x.False : x.True;
                    BranchTest? f = null;
                    if (onTrue && y.False == other)
                        f = new BranchTest(And(x.Condition, y.Condition), Or(x.Negated, y.Negated), y.True, other);
                    else if (onTrue && y.True == other)
                        f = new BranchTest(And(x.Condition, y.Negated), Or(x.Negated, y.Condition), y.False, other);
                    else if (!onTrue && y.True == other)
                        f = new BranchTest(Or(x.Condition, y.Condition), And(x.Negated, y.Negated), other, y.False);
                    else if (!onTrue && y.False == other)
                        f = new BranchTest(Or(x.Condition, y.Negated), And(x.Negated, y.Condition), other, y.True);
                    if (f == null)
                        continue;
                    b.Branch = f;
                    gone.Add(c);
                    changed = true;
                    break;
                }
                if (changed)
                    break;
            }
        } while (changed);
        return gone;
    }

    private static string And(string a, string b) => $"{Operand(a, "||")} && {Operand(b, "||")}";

    private static string Or(string a, string b) => $"{Operand(a, "&&")} || {Operand(b, "&&")}";

    /// <summary>Parenthesised when it holds the other logical operator (or a conditional): clear, and what -Wparentheses asks.</summary>
    private static string Operand(string c, string other) => c.Contains(other) || c.Contains('?') ? $"({c})" : c;

    private IEnumerable<BasicBlock?> RawTargets(BasicBlock b)
    {
        switch (b.Terminator)
        {
            case null:
                yield return b.Next;
                break;
            case GotoStmt g:
                yield return _byLabel[g.Target];
                break;
            case BranchStmt br:
                yield return _byLabel[br.Target];
                yield return b.Next;
                break;
            case SwitchStmt sw:
                foreach (var t in sw.Targets)
                    yield return _byLabel[t];
                if (sw.DefaultText == null)
                    yield return b.Next;
                break;
        }
    }

    public static bool Dominates(BasicBlock a, BasicBlock b)
    {
        for (var x = b; x != null; x = x.Idom == x ? null : x.Idom)
            if (x == a)
                return true;
        return false;
    }

    private void ComputeDominators()
    {
        Entry.Idom = Entry;
        bool changed;
        do
        {
            changed = false;
            foreach (var b in Blocks.Skip(1))
            {
                BasicBlock? idom = null;
                foreach (var p in b.Predecessors)
                {
                    if (p.Idom == null)
                        continue;
                    idom = idom == null ? p : Intersect(p, idom);
                }
                if (idom != b.Idom)
                {
                    b.Idom = idom;
                    changed = true;
                }
            }
        } while (changed);
    }

    private static BasicBlock Intersect(BasicBlock a, BasicBlock b)
    {
        while (a != b)
        {
            while (a.Rpo > b.Rpo)
                a = a.Idom!;
            while (b.Rpo > a.Rpo)
                b = b.Idom!;
        }
        return a;
    }

    private void FindLoops()
    {
        foreach (var u in Blocks)
            foreach (var h in u.Successors)
            {
                if (!Dominates(h, u))
                    continue; // a forward edge, or a retreating edge of an irreducible graph (stays a goto)
                h.Loop ??= new HashSet<BasicBlock> { h };
                h.Latches.Add(u);
                var work = new Stack<BasicBlock>();
                if (h.Loop.Add(u))
                    work.Push(u);
                while (work.Count > 0)
                    foreach (var p in work.Pop().Predecessors)
                        if (h.Loop.Add(p))
                            work.Push(p);
            }
    }

    /// <summary>The innermost loop header whose loop contains <paramref name="b"/>, or null.</summary>
    public BasicBlock? InnermostLoop(BasicBlock b) =>
        Blocks.Where(h => h.Loop != null && h.Loop.Contains(b)).OrderBy(h => h.Loop!.Count).ThenBy(h => h.Rpo).FirstOrDefault();
}
