using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Structured C from a <see cref="ControlFlowGraph"/>, walking the dominator tree:
/// <list type="bullet">
/// <item>a block with one predecessor is placed inline at the branch that reaches it (an <c>if</c> arm, a <c>case</c>);</item>
/// <item>a join block (several predecessors) is placed after the code of its immediate dominator, in reverse
///   postorder, so that the branches into it become falling off the end of an <c>if</c>;</item>
/// <item>a loop header becomes <c>for (;;)</c> around its natural loop; the loop's exit is placed after it, so a
///   branch to the exit is <c>break</c> and a branch to the header <c>continue</c>; a shared increment block
///   before the back edge becomes the <c>for</c> increment; then <c>for (;;) { if (c) break; … }</c> is
///   tightened into <c>while (!c)</c> / <c>for (init; !c; incr)</c>, and a trailing test into <c>do … while</c>;</item>
/// <item>IL <c>switch</c> becomes a C <c>switch</c>, a small <c>return</c> block is repeated at each branch to it.</item>
/// </list>
/// Every branch is written explicitly unless its target is exactly the code that follows, so the result is
/// correct whatever the shape; a branch that none of these forms covers (irreducible flow, a jump out of two
/// loops at once) stays a <c>goto</c> to a named label.
/// </summary>
internal sealed partial class Structurer
{
    private abstract class Node { }
    private sealed class TextNode : Node { public string Text = ""; }
    private sealed class LabelNode : Node { public BasicBlock Block = null!; }
    private sealed class JumpNode : Node { public string Kind = ""; public BasicBlock? Target; public BasicBlock? Loop; }
    private sealed class IfNode : Node { public string Cond = "", Negated = ""; public List<Node> Then = new(), Else = new(); }
    private sealed class LoopNode : Node
    {
        public BasicBlock Header = null!;
        public List<Node> Body = new();
        public string? Init, Cond, Increment;
        public bool DoWhile;
    }
    private sealed class SwitchNode : Node { public string Value = ""; public List<(List<string> Cases, List<Node> Body)> Arms = new(); }

    private sealed class Breakable
    {
        public BasicBlock? Loop;     // the header for a loop, null for a switch
        public BasicBlock? After;    // where 'break' goes
        public BasicBlock? Continue; // where 'continue' goes (the header, or the increment block)
    }

    private sealed record Ctx(BasicBlock? Fall, IReadOnlyList<Breakable> Breakables)
    {
        public Breakable? Innermost => Breakables.Count == 0 ? null : Breakables[^1];
        public Breakable? InnermostLoop => Breakables.LastOrDefault(b => b.Loop != null);
        public Ctx Push(Breakable b) => this with { Breakables = Breakables.Append(b).ToList() };
    }

    private static readonly BasicBlock NoFall = new(-1, null);
    private readonly ControlFlowGraph _g;
    private readonly Dictionary<BasicBlock, BasicBlock> _afterOf = new();     // loop header → its exit
    private readonly HashSet<BasicBlock> _afters = new();
    private readonly Dictionary<BasicBlock, BasicBlock> _incrementOf = new(); // loop header → its increment block
    private readonly HashSet<BasicBlock> _increments = new();
    private readonly HashSet<BasicBlock> _gotoTargets = new();
    private readonly HashSet<string> _addressTaken = new();

    private Structurer(ControlFlowGraph g)
    {
        _g = g;
        foreach (var h in g.Blocks.Where(b => b.Loop != null))
        {
            // The increment block: the only back edge comes from a small join block of simple statements.
            if (h.Latches.Count == 1 && h.Latches[0] is var l && l != h && l.Predecessors.Count >= 2 &&
                l.Successors.Count == 1 && l.Terminator is null or GotoStmt && l.Body.Count is > 0 and <= 2 &&
                l.Body.All(IsSimpleAssignment) && l.Predecessors.All(p => g.InnermostLoop(p) == h) &&
                // only the loop variables (what the header tests); other statements stay in the body
                (h.Branch is not { } test || l.Body.All(t => Regex.IsMatch(test.Condition, @"\b" + Regex.Escape(AssignedVariable(t)) + @"\b"))))
            {
                _incrementOf[h] = l;
                _increments.Add(l);
            }
            // The exit placed after the loop: the header's own exit, else the join exit with most predecessors.
            // A single-predecessor exit elsewhere stays inline (an 'if' arm ending in break/return) when the loop
            // also leaves to a join that is not its own (the code after an enclosing statement).
            var body = h.Loop!;
            var all = body.SelectMany(b => b.Successors).Distinct().Where(e => !body.Contains(e) && !IsSmallReturn(e)).ToList();
            var exits = all.Where(e => ControlFlowGraph.Dominates(h, e) && !_afters.Contains(e)).OrderBy(e => e.Rpo).ToList();
            var after = exits.FirstOrDefault(e => h.Successors.Contains(e)) ??
                        exits.Where(e => e.Predecessors.Count > 1).OrderByDescending(e => e.Predecessors.Count).ThenBy(e => e.Rpo).FirstOrDefault() ??
                        (exits.Count == 1 && all.Count == 1 ? exits[0] : null);
            if (after != null)
            {
                _afterOf[h] = after;
                _afters.Add(after);
            }
        }
    }

    /// <summary>The structured C body (statements indented by four spaces).</summary>
    public static string Emit(IReadOnlyList<Stmt> statements, System.Func<string, Metadata.CType?>? typeOf = null,
        System.Func<string, bool>? isTemporary = null)
    {
        var g = new ControlFlowGraph(statements);
        var s = new Structurer(g);
        foreach (var st in statements)
            foreach (Match m in Regex.Matches(st switch { PlainStmt p => p.Text, BranchStmt b => b.Condition, ReturnStmt r => r.Text, SwitchStmt w => w.Value, _ => "" },
                         @"(?<!&)&\s*([A-Za-z_]\w*)"))
                s._addressTaken.Add(m.Groups[1].Value);
        var code = s.Tree(g.Entry, new Ctx(null, new List<Breakable>()));
        s.CollectGotos(code);
        s.Tidy(code);
        FoldJoinValues(code, typeOf ?? (_ => null), isTemporary ?? (_ => false));
        var names = s.LabelNames();
        var sb = new StringBuilder();
        Render(code, 1, sb, names);
        return sb.ToString();
    }

    private static bool IsSimpleAssignment(string text) =>
        text.EndsWith(';') && !text.Contains('\n') && !text.Contains('{') &&
        Regex.IsMatch(text, @"^[A-Za-z_]\w*(->\w+|\.\w+)*( [-+*/%&|^]?= |(\+\+|--);$)");

    private static bool IsSmallReturn(BasicBlock b) => b.Body.Count == 0 && b.Terminator is ReturnStmt;

    /// <summary>Blocks that are never placed inline at a branch: joins, loop headers, the entry.</summary>
    private bool IsJoin(BasicBlock b) =>
        b == _g.Entry || b.Predecessors.Count != 1 || b.Loop != null || _afters.Contains(b) || _increments.Contains(b);

    // ---- building ------------------------------------------------------------------------------------------

    /// <summary>The code of <paramref name="x"/> and of the blocks it immediately dominates.</summary>
    private List<Node> Tree(BasicBlock x, Ctx ctx)
    {
        var code = new List<Node>();
        if (IsJoin(x))
            code.Add(new LabelNode { Block = x });
        var joins = x.Children.Where(c => IsJoin(c) && !_afters.Contains(c) && !_increments.Contains(c) && !IsSmallReturn(c)).ToList();
        if (x.Loop == null)
        {
            code.AddRange(Within(x, joins, ctx));
            return code;
        }
        var outside = joins.Where(j => !x.Loop.Contains(j)).ToList();
        if (_afterOf.TryGetValue(x, out var exit))
            outside.Insert(0, exit);
        var increment = _incrementOf.GetValueOrDefault(x);
        var loop = new Breakable { Loop = x, After = outside.Count > 0 ? outside[0] : ctx.Fall, Continue = increment ?? x };
        var inner = ctx.Push(loop) with { Fall = increment ?? x };
        var node = new LoopNode
        {
            Header = x,
            Body = Within(x, joins.Where(x.Loop.Contains).ToList(), inner),
            Increment = increment == null ? null : string.Join(", ", increment.Body.Select(t => t.TrimEnd(';'))),
        };
        code.Add(node);
        code.AddRange(Sequence(outside, ctx));
        return code;
    }

    /// <summary>The code of <paramref name="x"/>, then each join in order, each falling into the next.</summary>
    private List<Node> Within(BasicBlock x, List<BasicBlock> joins, Ctx ctx)
    {
        var code = Block(x, ctx with { Fall = joins.Count > 0 ? joins[0] : ctx.Fall });
        for (var i = 0; i < joins.Count; i++)
            code.AddRange(Tree(joins[i], ctx with { Fall = i + 1 < joins.Count ? joins[i + 1] : ctx.Fall }));
        return code;
    }

    private List<Node> Sequence(List<BasicBlock> blocks, Ctx ctx)
    {
        var code = new List<Node>();
        for (var i = 0; i < blocks.Count; i++)
            code.AddRange(Tree(blocks[i], ctx with { Fall = i + 1 < blocks.Count ? blocks[i + 1] : ctx.Fall }));
        return code;
    }

    /// <summary>The statements of one block and its terminator.</summary>
    private List<Node> Block(BasicBlock x, Ctx ctx)
    {
        var code = x.Body.Select(t => (Node)new TextNode { Text = t }).ToList();
        switch (x.Terminator)
        {
            case ReturnStmt r:
                code.Add(new JumpNode { Kind = r.Text });
                break;
            case null:
                var fall = _g.FallTarget(x);
                code.AddRange(fall == null ? new List<Node> { new JumpNode { Kind = "return;" } } : Branch(fall, ctx));
                break;
            case GotoStmt g:
                code.AddRange(Branch(_g.Target(g.Target), ctx));
                break;
            case BranchStmt:
                code.AddRange(Conditional(x.Branch!, ctx));
                break;
            case SwitchStmt s:
                code.Add(Switch(x, s, ctx));
                break;
        }
        return code;
    }

    private List<Node> Conditional(BranchTest b, Ctx ctx)
    {
        var t = b.True;
        var f = b.False;
        if (t == f)
        {
            var same = new List<Node> { new TextNode { Text = $"(void)({b.Condition});" } };
            same.AddRange(Branch(t, ctx));
            return same;
        }
        var a = Branch(t, ctx);
        var e = Branch(f, ctx);
        if (a.Count == 0 && e.Count == 0)
            return new List<Node> { new TextNode { Text = $"(void)({b.Condition});" } };
        if (a.Count == 0)
            return new List<Node> { new IfNode { Cond = b.Negated, Negated = b.Condition, Then = e } };
        if (e.Count == 0)
            return new List<Node> { new IfNode { Cond = b.Condition, Negated = b.Negated, Then = a } };
        var aExits = EndsInJump(a);
        var eExits = EndsInJump(e);
        if (aExits && (!eExits || Size(a) <= Size(e)))
            return new List<Node> { new IfNode { Cond = b.Condition, Negated = b.Negated, Then = a } }.Concat(e).ToList();
        if (eExits)
            return new List<Node> { new IfNode { Cond = b.Negated, Negated = b.Condition, Then = e } }.Concat(a).ToList();
        return new List<Node> { new IfNode { Cond = b.Condition, Negated = b.Negated, Then = a, Else = e } };
    }

    private Node Switch(BasicBlock x, SwitchStmt s, Ctx ctx)
    {
        var arms = ctx.Push(new Breakable { After = ctx.Fall }) with { Fall = NoFall };
        var fallback = s.DefaultText == null ? _g.FallTarget(x) : null;
        var node = new SwitchNode { Value = s.Value };
        var order = new List<BasicBlock>();
        var cases = new Dictionary<BasicBlock, List<string>>();
        for (var i = 0; i < s.Targets.Count; i++)
        {
            var t = _g.Target(s.Targets[i]);
            if (t == fallback)
                continue; // covered by default
            if (!cases.TryGetValue(t, out var list))
            {
                cases[t] = list = new List<string>();
                order.Add(t);
            }
            list.Add(s.CaseLabels[i]);
        }
        foreach (var t in order)
            node.Arms.Add((cases[t].Select(c => $"case {c}:").ToList(), Branch(t, arms)));
        node.Arms.Add((new List<string> { "default:" }, fallback != null
            ? Branch(fallback, arms)
            : new List<Node> { new TextNode { Text = s.DefaultText! } }));
        return node;
    }

    /// <summary>The code that takes control to <paramref name="t"/> from the end of the current code.</summary>
    private List<Node> Branch(BasicBlock t, Ctx ctx)
    {
        if (IsSmallReturn(t))
            return new List<Node> { new JumpNode { Kind = ((ReturnStmt)t.Terminator!).Text } };
        if (t == ctx.Fall)
            return new List<Node>();
        var loop = ctx.InnermostLoop;
        if (loop != null && t == loop.Continue)
            return new List<Node> { new JumpNode { Kind = "continue;", Loop = loop.Loop } };
        if (ctx.Innermost is { } inner && inner.After == t)
            return new List<Node> { new JumpNode { Kind = "break;", Loop = inner.Loop } };
        if (IsJoin(t))
            return new List<Node> { new JumpNode { Kind = "goto", Target = t } };
        return Tree(t, ctx);
    }

    private static bool EndsInJump(List<Node> code) => code.Count > 0 && code[^1] switch
    {
        JumpNode => true,
        IfNode i => i.Else.Count > 0 && EndsInJump(i.Then) && EndsInJump(i.Else),
        _ => false,
    };

    private static int Size(List<Node> code) => code.Sum(n => n switch
    {
        IfNode i => 1 + Size(i.Then) + Size(i.Else),
        LoopNode l => 1 + Size(l.Body),
        SwitchNode s => 1 + s.Arms.Sum(a => Size(a.Body)),
        _ => 1,
    });

    // ---- tidying -------------------------------------------------------------------------------------------

    private void CollectGotos(List<Node> code)
    {
        foreach (var n in code)
            switch (n)
            {
                case JumpNode { Kind: "goto" } j:
                    _gotoTargets.Add(j.Target!);
                    break;
                case IfNode i:
                    CollectGotos(i.Then);
                    CollectGotos(i.Else);
                    break;
                case LoopNode l:
                    CollectGotos(l.Body);
                    break;
                case SwitchNode s:
                    foreach (var a in s.Arms)
                        CollectGotos(a.Body);
                    break;
            }
    }

    /// <summary>Drops unused labels; <c>for (;;) { if (c) break; … }</c> → <c>while (!c)</c>, <c>for</c>, <c>do … while</c>.</summary>
    private void Tidy(List<Node> code)
    {
        code.RemoveAll(n => n is LabelNode l && !_gotoTargets.Contains(l.Block));
        for (var k = 0; k < code.Count; k++)
            switch (code[k])
            {
                case IfNode i:
                    Tidy(i.Then);
                    Tidy(i.Else);
                    break;
                case SwitchNode s:
                    foreach (var a in s.Arms)
                        Tidy(a.Body);
                    break;
                case LoopNode l:
                    Tidy(l.Body);
                    if (l.Body.Count > 0 && l.Body[0] is IfNode { Else.Count: 0, Then: [JumpNode { Kind: "break;" }] } head)
                    {
                        l.Cond = head.Negated;
                        l.Body.RemoveAt(0);
                    }
                    else if (l.Body.Count > 0 && l.Body[0] is IfNode { Else.Count: 0, Then: [JumpNode exit] } first &&
                             (exit.Kind == "goto" || exit.Kind.StartsWith("return", System.StringComparison.Ordinal)) && !Breaks(l.Body))
                    {
                        // for (;;) { if (c) return x; … } never falls out of the loop: while (!c) { … } return x;
                        l.Cond = first.Negated;
                        l.Body.RemoveAt(0);
                        code.Insert(k + 1, exit);
                    }
                    else if (l.Increment == null && l.Body.Count > 0 &&
                             l.Body[^1] is IfNode { Else.Count: 0, Then: [JumpNode { Kind: "break;" }] } tail && !Continues(l.Body, l.Header))
                    {
                        l.Cond = tail.Negated;
                        l.DoWhile = true;
                        l.Body.RemoveAt(l.Body.Count - 1);
                    }
                    if (l.Cond != null && !l.DoWhile && l.Increment == null && l.Body.Count > 0 &&
                        l.Body[^1] is TextNode last && IsSimpleAssignment(last.Text) && !Continues(l.Body, l.Header) &&
                        Regex.IsMatch(l.Cond, @"\b" + Regex.Escape(AssignedVariable(last.Text)) + @"\b"))
                    {
                        l.Increment = last.Text.TrimEnd(';');
                        l.Body.RemoveAt(l.Body.Count - 1);
                    }
                    NaturalIncrement(l);
                    // 'v = start;' just before a for loop over v is its initialisation (unless a goto enters the loop).
                    if (l.Increment != null && k > 0 && code[k - 1] is TextNode init && IsSimpleAssignment(init.Text) && init.Text.Contains(" = ", System.StringComparison.Ordinal) &&
                        AssignedVariables(l.Increment).Contains(AssignedVariable(init.Text)) && !_gotoTargets.Contains(l.Header))
                    {
                        l.Init = init.Text.TrimEnd(';');
                        code.RemoveAt(k - 1);
                        k--;
                    }
                    // for (i = 0; i < n; i++) with i written nowhere else: i + 1, i - c inside need no wrap
                    if (l.Init is { } start && Regex.Match(start, @"^([A-Za-z_]\w*) = \d+$") is { Success: true } loopVar &&
                        l.Increment?.Split(", ").Contains(loopVar.Groups[1].Value + "++") == true &&
                        Regex.IsMatch(l.Cond ?? "", @"^" + loopVar.Groups[1].Value + @" < [^&|?]+( && [^|?]+)?$") &&
                        !_addressTaken.Contains(loopVar.Groups[1].Value) && !Writes(l.Body, loopVar.Groups[1].Value))
                        NaturalIndexArithmetic(l.Body, loopVar.Groups[1].Value);
                    break;
            }
    }

    /// <summary>
    /// <c>for (…; i &lt; n; i = (int32_t)((uint32_t)i + 1u))</c> → <c>i++</c> when the body never assigns or takes the
    /// address of <c>i</c>: the test just passed with a signed 32-bit comparison, so <c>i + 1</c> cannot overflow and
    /// C's signed arithmetic is exact (no undefined behaviour to guard against).
    /// </summary>
    private void NaturalIncrement(LoopNode l)
    {
        if (l.Increment == null || l.Cond == null || l.DoWhile)
            return;
        var parts = l.Increment.Split(", ").ToList();
        for (var p = 0; p < parts.Count; p++)
        {
            var m = Regex.Match(parts[p], @"^([A-Za-z_]\w*) = \(int32_t\)\(\(uint32_t\)\1 ([-+]) 1u\)$");
            if (!m.Success)
                continue;
            var v = m.Groups[1].Value;
            var up = m.Groups[2].Value == "+";
            // i < n (and more, joined by &&) just passed: i + 1 fits; i > n or i >= a literal above INT32_MIN: i - 1 fits
            var test = up ? @"^" + v + @" < [^&|?]+( && [^|?]+)?$"
                          : @"^" + v + @" (> [^&|?]+|>= -?\d+)( && [^|?]+)?$";
            if (_addressTaken.Contains(v) || !Regex.IsMatch(l.Cond, test) || Writes(l.Body, v) || Writes(new List<Node> { new TextNode { Text = l.Cond } }, v) ||
                parts.Where((_, q) => q != p).Any(other => Regex.IsMatch(other, @"(^|[^\w.>])" + v + @"\s*([-+*/%&|^]?=(?!=)|\+\+|--)|&" + v + @"\b")))
                continue;
            parts[p] = v + (up ? "++" : "--");
        }
        l.Increment = string.Join(", ", parts);
    }

    /// <summary>
    /// Inside <c>for (i = k; i &lt; n; i++)</c> (k a non-negative literal, i written nowhere else) i lies in k..n-1, so
    /// <c>i + 1</c> and <c>i - c</c> cannot overflow: they print as plain C instead of through uint32_t.
    /// </summary>
    private static void NaturalIndexArithmetic(List<Node> body, string v)
    {
        var wrapped = new Regex(@"\(int32_t\)\(\(uint32_t\)" + v + @" (\+ 1u|- (\d{1,9})u)\)");
        foreach (var t in AllTexts(body).ToList())
        {
            if (!wrapped.IsMatch(t.Text))
                continue;
            t.Set(wrapped.Replace(t.Text, m =>
            {
                var plain = $"{v} {m.Groups[1].Value.TrimEnd('u')}";
                var before = m.Index > 0 ? t.Text[m.Index - 1] : ' ';
                var after = m.Index + m.Length < t.Text.Length ? t.Text[m.Index + m.Length] : ';';
                // an argument, an index or a whole right-hand side needs no parentheses
                var bare = (before is '(' or '[' || (before == ' ' && m.Index >= 2 && t.Text[m.Index - 2] is ',' or '=')) &&
                           after is ')' or ']' or ',' or ';';
                return bare ? plain : $"({plain})";
            }));
        }
    }

    /// <summary>Whether some statement assigns <paramref name="v"/> or takes its address.</summary>
    private static bool Writes(List<Node> code, string v)
    {
        var write = new Regex(@"(^|[^\w.>])" + v + @"\s*([-+*/%&|^]?=(?!=)|\+\+|--)|&" + v + @"\b");
        return code.Any(n => n switch
        {
            TextNode t => write.IsMatch(t.Text),
            IfNode i => write.IsMatch(i.Cond) || Writes(i.Then, v) || Writes(i.Else, v),
            LoopNode l => write.IsMatch(l.Cond ?? "") || write.IsMatch(l.Init ?? "") || write.IsMatch(l.Increment ?? "") || Writes(l.Body, v),
            SwitchNode s => write.IsMatch(s.Value) || s.Arms.Any(a => Writes(a.Body, v)),
            JumpNode j => write.IsMatch(j.Kind),
            _ => false,
        });
    }

    private static string AssignedVariable(string assignment) =>
        assignment.EndsWith("++;", System.StringComparison.Ordinal) || assignment.EndsWith("--;", System.StringComparison.Ordinal) ? assignment[..^3]
        : assignment.IndexOf(' ') is var space and > 0 ? assignment.Substring(0, space) : assignment;

    private static IEnumerable<string> AssignedVariables(string increment) =>
        increment.Split(", ").Select(part => part.EndsWith("++", System.StringComparison.Ordinal) || part.EndsWith("--", System.StringComparison.Ordinal) ? part[..^2] : AssignedVariable(part + ";"));

    /// <summary>Whether a <c>break</c> leaves the loop whose body is <paramref name="code"/> (not a nested loop or switch).</summary>
    private static bool Breaks(List<Node> code) => code.Any(n => n switch
    {
        JumpNode { Kind: "break;" } => true,
        IfNode i => Breaks(i.Then) || Breaks(i.Else),
        _ => false,
    });

    /// <summary>Whether a <c>continue</c> of the loop headed by <paramref name="header"/> occurs in <paramref name="code"/>.</summary>
    private static bool Continues(List<Node> code, BasicBlock header) => code.Any(n => n switch
    {
        JumpNode { Kind: "continue;" } j => j.Loop == header,
        IfNode i => Continues(i.Then, header) || Continues(i.Else, header),
        LoopNode l => Continues(l.Body, header),
        SwitchNode s => s.Arms.Any(a => Continues(a.Body, header)),
        _ => false,
    });

    /// <summary>Label names for the goto targets: what the code there does, numbered when it repeats.</summary>
    private Dictionary<BasicBlock, string> LabelNames()
    {
        var names = new Dictionary<BasicBlock, string>();
        var used = new Dictionary<string, int>();
        foreach (var b in _g.Blocks.Where(_gotoTargets.Contains))
        {
            var stem = b.Loop != null ? "loop"
                : _afters.Contains(b) ? "loop_end"
                : b.Terminator is ReturnStmt ? "out"
                : b.Label != null && b.Label.StartsWith("leave", System.StringComparison.Ordinal) ? "leave"
                : b.Terminator is SwitchStmt { DefaultText: not null } ? "finally"
                : "next";
            used[stem] = used.GetValueOrDefault(stem) + 1;
            names[b] = used[stem] == 1 ? stem : $"{stem}_{used[stem]}";
        }
        return names;
    }

    // ---- rendering -----------------------------------------------------------------------------------------

    private static void Render(List<Node> code, int depth, StringBuilder sb, Dictionary<BasicBlock, string> names)
    {
        var pad = new string(' ', 4 * depth);
        for (var k = 0; k < code.Count; k++)
        {
            switch (code[k])
            {
                case TextNode t:
                    sb.Append(pad).Append(t.Text).Append('\n');
                    break;
                case LabelNode l:
                    sb.Append(names[l.Block]).Append(k == code.Count - 1 ? ": ;\n" : ":\n");
                    break;
                case JumpNode j:
                    sb.Append(pad).Append(j.Kind == "goto" ? $"goto {names[j.Target!]};" : j.Kind).Append('\n');
                    break;
                case IfNode i:
                    sb.Append(pad).Append($"if ({i.Cond}) {{\n");
                    Render(i.Then, depth + 1, sb, names);
                    var otherwise = i.Else;
                    while (otherwise is [IfNode chained])
                    {
                        sb.Append(pad).Append($"}} else if ({chained.Cond}) {{\n");
                        Render(chained.Then, depth + 1, sb, names);
                        otherwise = chained.Else;
                    }
                    if (otherwise.Count > 0)
                    {
                        sb.Append(pad).Append("} else {\n");
                        Render(otherwise, depth + 1, sb, names);
                    }
                    sb.Append(pad).Append("}\n");
                    break;
                case LoopNode l:
                    sb.Append(pad).Append(
                        l.DoWhile ? "do {\n"
                        : l.Init == null && l.Increment == null ? (l.Cond == null ? "for (;;) {\n" : $"while ({l.Cond}) {{\n")
                        : $"for ({l.Init}; {l.Cond}; {l.Increment}) {{\n".Replace("( ;", "(;").Replace("; ;", ";;"));
                    Render(l.Body, depth + 1, sb, names);
                    sb.Append(pad).Append(l.DoWhile ? $"}} while ({l.Cond});\n" : "}\n");
                    break;
                case SwitchNode s:
                    sb.Append(pad).Append($"switch ({s.Value}) {{\n");
                    foreach (var (cases, body) in s.Arms)
                    {
                        foreach (var c in cases)
                            sb.Append(pad).Append(c).Append('\n');
                        Render(body, depth + 1, sb, names);
                    }
                    sb.Append(pad).Append("}\n");
                    break;
            }
        }
    }
}
