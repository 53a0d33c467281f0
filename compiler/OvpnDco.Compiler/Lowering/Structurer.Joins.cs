using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Values that meet at a join point: C#'s <c>x = c ? a : b</c> reaches the structurer as arms that each store a
/// stack variable (<c>stk0_i32</c>) and a store of that variable after the join. Such an <c>if</c> whose arms only
/// set the variable, followed by its one use, becomes the conditional expression again; a constant flushed into a
/// stack variable before a branch is put back where it is used.
/// </summary>
internal sealed partial class Structurer
{
    private static readonly Regex StackVariable = new(@"\bstk\d+_\w+\b", RegexOptions.CultureInvariant);
    private static readonly Regex Assignment = new(@"^(stk\d+_\w+) = (.+);$", RegexOptions.CultureInvariant);
    private static readonly Regex Store = new(@"^([A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*) = (.+);$", RegexOptions.CultureInvariant);
    private static readonly Regex Literal = new(@"^-?\d+u?$|^[A-Z][A-Z0-9_]*$", RegexOptions.CultureInvariant);

    private static void FoldJoinValues(List<Node> root)
    {
        while (FoldConstant(root, root) || FoldConditional(root, root))
        {
        }
    }

    /// <summary><c>stk0_i32 = 8;</c> with one use: the literal goes to the use.</summary>
    private static bool FoldConstant(List<Node> code, List<Node> root)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => FoldConstant(c, root)))
                return true;
            if (code[k] is not TextNode t || Assignment.Match(t.Text) is not { Success: true } m || !Literal.IsMatch(m.Groups[2].Value))
                continue;
            var v = m.Groups[1].Value;
            var texts = AllTexts(root).ToList();
            if (texts.Sum(x => Count(x.Text, v)) != 2 || texts.Count(x => x.Text.StartsWith(v + " = ", System.StringComparison.Ordinal)) != 1)
                continue;
            var use = texts.First(x => x.Text != t.Text && Count(x.Text, v) == 1);
            use.Set(Regex.Replace(use.Text, @"\b" + v + @"\b", m.Groups[2].Value));
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    /// <summary><c>if (c) v = a; else v = b; x = f(v);</c> → <c>x = f(c ? a : b);</c> (f without variables or calls).</summary>
    private static bool FoldConditional(List<Node> code, List<Node> root)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => FoldConditional(c, root)))
                return true;
            if (code[k] is not IfNode i || k + 1 >= code.Count || code[k + 1] is not TextNode use)
                continue;
            string? v = null;
            var value = Conditional(i, ref v);
            if (value == null || Store.Match(use.Text) is not { Success: true } m || Count(m.Groups[1].Value, v!) > 0 ||
                StackVariable.IsMatch(m.Groups[1].Value) || Count(m.Groups[2].Value, v!) != 1)
                continue;
            var arms = 0;
            CountArms(i, ref arms);
            if (AllTexts(root).Sum(x => Count(x.Text, v!)) != arms + 1)
                continue;
            var rhs = m.Groups[2].Value;
            var rest = Regex.Replace(rhs, @"\b" + v + @"\b", "");
            if (Regex.Matches(rest, @"[A-Za-z_]\w*").Any(w => !Regex.IsMatch(w.Value, @"^(u?int\d+_t|U?INT\d+_C|u)$")))
                continue;
            code[k] = new TextNode { Text = $"{m.Groups[1].Value} = {(rhs == v ? value : rhs.Replace(v!, "(" + value + ")"))};" };
            code.RemoveAt(k + 1);
            return true;
        }
        return false;
    }

    /// <summary>The arms as <c>c1 ? a : c2 ? b : d</c> when each is exactly <c>v = value;</c> for one variable v.</summary>
    private static string? Conditional(IfNode i, ref string? v)
    {
        var then = Arm(i.Then, ref v);
        if (then == null)
            return null;
        var otherwise = i.Else is [IfNode nested] ? Conditional(nested, ref v) : Arm(i.Else, ref v);
        if (otherwise == null)
            return null;
        var cond = i.Cond.Contains('?') || i.Cond.Contains('=') && Regex.IsMatch(i.Cond, @"[^=!<>]=[^=]") ? $"({i.Cond})" : i.Cond;
        return $"{cond} ? {then} : {otherwise}";
    }

    private static string? Arm(List<Node> arm, ref string? v)
    {
        if (arm is not [TextNode t] || Assignment.Match(t.Text) is not { Success: true } m)
            return null;
        if (v != null && m.Groups[1].Value != v)
            return null;
        v = m.Groups[1].Value;
        var value = m.Groups[2].Value;
        return value.Contains('?') || value.Contains(',') ? $"({value})" : value;
    }

    private static void CountArms(IfNode i, ref int arms)
    {
        arms++;
        if (i.Else is [IfNode nested])
            CountArms(nested, ref arms);
        else
            arms++;
    }

    private static int Count(string text, string name) => Regex.Matches(text, @"\b" + Regex.Escape(name) + @"\b").Count;

    private static IEnumerable<List<Node>> Children(Node n) => n switch
    {
        IfNode i => new[] { i.Then, i.Else },
        LoopNode l => new[] { l.Body },
        SwitchNode s => s.Arms.Select(a => a.Body),
        _ => System.Array.Empty<List<Node>>(),
    };

    /// <summary>Every piece of C text in the tree, with a way to rewrite it.</summary>
    private sealed record TextRef(string Text, System.Action<string> Set);

    private static IEnumerable<TextRef> AllTexts(List<Node> code)
    {
        foreach (var n in code)
        {
            switch (n)
            {
                case TextNode t:
                    yield return new TextRef(t.Text, x => t.Text = x);
                    break;
                case IfNode i:
                    yield return new TextRef(i.Cond, x => { i.Negated = i.Negated.Replace(i.Cond, x); i.Cond = x; });
                    break;
                case LoopNode l:
                    if (l.Init != null) yield return new TextRef(l.Init, x => l.Init = x);
                    if (l.Cond != null) yield return new TextRef(l.Cond, x => l.Cond = x);
                    if (l.Increment != null) yield return new TextRef(l.Increment, x => l.Increment = x);
                    break;
                case SwitchNode s:
                    yield return new TextRef(s.Value, x => s.Value = x);
                    break;
                case JumpNode j:
                    yield return new TextRef(j.Kind, x => j.Kind = x);
                    break;
            }
            foreach (var c in Children(n))
                foreach (var t in AllTexts(c))
                    yield return t;
        }
    }
}
