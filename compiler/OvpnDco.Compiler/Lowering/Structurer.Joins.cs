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

    private static void FoldJoinValues(List<Node> root, System.Func<string, Metadata.CType?> typeOf, System.Func<string, bool> isTemporary)
    {
        while (FoldCopy(root, root, typeOf) || FoldConditional(root, root, typeOf) || ForwardTemporaries(root, typeOf, isTemporary))
        {
        }
    }

    /// <summary>
    /// A stack variable set once to a value that cannot change before its uses — a literal, the address of a local's
    /// field, or a variable of the same type not written after it — is replaced by that value (<c>stk0_i32 = 8;</c>,
    /// <c>stk0_i32 = status; … return stk0_i32;</c>).
    /// </summary>
    private static bool FoldCopy(List<Node> code, List<Node> root, System.Func<string, Metadata.CType?> typeOf)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => FoldCopy(c, root, typeOf)))
                return true;
            if (code[k] is not TextNode t || Assignment.Match(t.Text) is not { Success: true } m)
                continue;
            var v = m.Groups[1].Value;
            var value = m.Groups[2].Value;
            var texts = AllTexts(root).ToList();
            if (texts.Count(x => Regex.IsMatch(x.Text, @"(^|[^\w.>])" + v + @"\s*([-+*/%&|^]?=(?!=)|\+\+|--)")) != 1)
                continue;
            var later = code.Skip(k + 1).SelectMany(n => AllTexts(new List<Node> { n })).ToList();
            var uses = later.Where(x => Count(x.Text, v) > 0).ToList();
            if (uses.Sum(x => Count(x.Text, v)) != texts.Sum(x => Count(x.Text, v)) - 1)
                continue; // a use outside what follows the definition
            string? address = null;
            if (Literal.IsMatch(value))
            {
            }
            else if (Regex.Match(value, @"^&([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$") is { Success: true } a)
            {
                // the address of a local (or its field) never changes: p->f reads as x.f
                address = a.Groups[1].Value;
                if (uses.Any(x => Regex.IsMatch(x.Text, @"\b" + v + @"(?!->)(?![,);])")))
                    continue;
            }
            else if (Regex.IsMatch(value, @"^[A-Za-z_]\w*$") && SameValueType(typeOf(value), typeOf(v)))
            {
                // a variable nobody writes after the definition (nor through a pointer)
                if (texts.Any(x => Regex.IsMatch(x.Text, @"&\s*" + value + @"\b(?!\s*->)")) ||
                    later.Any(x => Regex.IsMatch(x.Text, @"(^|[^\w.>])" + value + @"\s*([-+*/%&|^]?=(?!=)|\+\+|--)|(\+\+|--)" + value + @"\b")) ||
                    WrittenOutside(root, code, value))
                    continue;
            }
            else
                continue;
            foreach (var use in uses)
                use.Set(address != null
                    ? Regex.Replace(Regex.Replace(use.Text, @"\b" + v + @"->", address + "."), @"\b" + v + @"\b", "&" + address)
                    : Regex.Replace(use.Text, @"\b" + v + @"\b", value));
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    /// <summary>Integer values that read the same through either type (int32_t and an int32 enum, a byte and an int).</summary>
    private static bool SameValueType(Metadata.CType? value, Metadata.CType? stack)
    {
        if (value == null || stack == null)
            return false;
        if (value.Name == stack.Name || (value.Kind == Metadata.StackKind.Pointer && value.Name == stack.Name))
            return true;
        if (!value.IsInteger || !stack.IsInteger || value.IsBool)
            return false;
        return value.Primitive == stack.Primitive ||
               (stack.Primitive == "int32_t" && value.Size is 1 or 2);
    }

    /// <summary>A write to <paramref name="name"/> anywhere but in <paramref name="list"/> itself.</summary>
    private static bool WrittenOutside(List<Node> root, List<Node> list, string name)
    {
        var inside = new HashSet<string>(list.SelectMany(n => n is TextNode t ? new[] { t.Text } : System.Array.Empty<string>()));
        var pattern = @"(^|[^\w.>])" + name + @"\s*([-+*/%&|^]?=(?!=)|\+\+|--)|(\+\+|--)" + name + @"\b";
        var all = AllTexts(root).Count(x => Regex.IsMatch(x.Text, pattern));
        var direct = list.OfType<TextNode>().Count(t => Regex.IsMatch(t.Text, pattern));
        return all != direct;
    }

    /// <summary><c>if (c) v = a; else v = b; x = f(v);</c> → <c>x = f(c ? a : b);</c> (f without variables or calls).</summary>
    private static bool FoldConditional(List<Node> code, List<Node> root, System.Func<string, Metadata.CType?> typeOf)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => FoldConditional(c, root, typeOf)))
                return true;
            if (code[k] is not IfNode i || k + 1 >= code.Count)
                continue;
            string? v = null;
            var value = Conditional(i, ref v);
            if (value == null)
                continue;
            // The use is the next statement; or a later one when the value reads only variables no one can change
            // behind our back and the statements in between (other joins, calls into temporaries) do not write them.
            var useAt = k + 1;
            while (useAt < code.Count && !Mentions(code[useAt], v!) &&
                   OnlyVariables(value) && NoneAddressTaken(root, value) && Untouched(code[useAt], value))
                useAt++;
            if (useAt >= code.Count || UseText(code[useAt]) is not { } use)
                continue;
            // the store after the join (x = …v…;), or a call or return that reads v: f(…, v, …); return …v…;
            var m = Store.Match(use.Text);
            if (!m.Success)
                m = Regex.Match(use.Text, @"^(return|)\s*(.+);$");
            var target = m.Groups[1].Value;
            if (!m.Success || Count(target, v!) > 0 || Count(m.Groups[2].Value, v!) != 1)
                continue;
            if (m.Groups[2].Value == v && (typeOf(target) ?? typeOf(v!)) is { EnumNames: { } names })
                value = NameEnumArms(value, names); // next = c ? 3 : 4 → c ? OVPN_WSK_STEP_BINDING : …
            var arms = 0;
            CountArms(i, ref arms);
            if (AllTexts(root).Sum(x => Count(x.Text, v!)) != arms + 1)
                continue;
            var rhs = m.Groups[2].Value;
            // What else the store evaluates may now come before the condition: fine when it is only constants and
            // casts, or when neither it nor the conditional calls or assigns anything (reads commute with reads).
            var rest = Regex.Replace(Regex.Replace(rhs, @"\b" + v + @"\b", ""), @"\((?:const )?[A-Z]\w*(?: \*)?\)", "");
            // a call's arguments are all evaluated before it: only they must not call or store
            rest = CallOperands(rest);
            if (Regex.Matches(rest, @"[A-Za-z_]\w*").Any(w => !Regex.IsMatch(w.Value, @"^(u?int\d+_t|U?INT\d+_C|u)$")) &&
                !(SideEffectFree(rest) && SideEffectFree(value)))
                continue;
            var folded = rhs == v ? value : Regex.Replace(rhs, @"\b" + v + @"\b", (Slot(rhs, v!) ? value : "(" + value + ")").Replace("$", "$$"));
            use.Set(m.Groups[0].Value.StartsWith(target + " = ", System.StringComparison.Ordinal) && target.Length > 0
                ? $"{target} = {folded};"
                : $"{(target.Length > 0 ? target + " " : "")}{folded};");
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    /// <summary>
    /// A plain statement, or a join's if that only sets stack variables, that writes none of the value's variables
    /// (nor takes their address): the value may be evaluated after it.
    /// </summary>
    private static bool Untouched(Node n, string value)
    {
        string? other = null;
        var texts = n switch
        {
            TextNode t => new List<string> { t.Text },
            IfNode f when Conditional(f, ref other) != null && SideEffectFree(f.Cond) => AllTexts(new List<Node> { f }).Select(x => x.Text).ToList(),
            _ => null,
        };
        if (texts == null)
            return false;
        var names = VariablesOf(value);
        return texts.All(text => names.All(name =>
            !Regex.IsMatch(text, @"(^|[^\w.>])" + name + @"(\.\w+)*\s*([-+*/%&|^]?=(?!=)|\+\+|--)|(\+\+|--)" + name + @"\b|&\s*" + name + @"\b")));
    }

    /// <summary>No call (but the INT64_C-style literal macros) and no assignment in the text.</summary>
    private static bool SideEffectFree(string text) =>
        !Regex.IsMatch(Regex.Replace(text, @"\b(U?INT\d+_C|sizeof)\(", "("), @"[A-Za-z_]\w*\s*\(|[^=!<>]=[^=]|\+\+|--");

    /// <summary>The store after a join: a statement, or the initialisation of a <c>for</c> loop.</summary>
    private static TextRef? UseText(Node n) => n switch
    {
        TextNode t => new TextRef(t.Text, x => t.Text = x),
        LoopNode { Init: { } init } l => new TextRef(init + ";", x => l.Init = x.TrimEnd(';')),
        JumpNode { Kind: var kind } j when kind.StartsWith("return ", System.StringComparison.Ordinal) => new TextRef(j.Kind, x => j.Kind = x),
        _ => null,
    };

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

    /// <summary>The integer literals standing as arms of <paramref name="value"/> by their enum member names.</summary>
    private static string NameEnumArms(string value, IReadOnlyDictionary<long, string> names) =>
        Regex.Replace(value, @"(?<=(\? |: |^))-?\d+(?=( :|\)|$))", x => names.TryGetValue(long.Parse(x.Value), out var n) ? n : x.Value);

    private static string? Arm(List<Node> arm, ref string? v)
    {
        if (arm is [IfNode nested])
            return Conditional(nested, ref v) is { } inner ? "(" + inner + ")" : null;
        if (arm is not [TextNode t] || Assignment.Match(t.Text) is not { Success: true } m)
            return null;
        if (v != null && m.Groups[1].Value != v)
            return null;
        v = m.Groups[1].Value;
        var value = m.Groups[2].Value;
        // an arm of ?: needs parentheses for a nested ?: or a top-level comma, not for a call's argument list
        return value.Contains('?') || !BalancedArgument(value) ? $"({value})" : value;
    }

    private static void CountArms(IfNode i, ref int arms)
    {
        if (i.Then is [IfNode inner])
            CountArms(inner, ref arms);
        else
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
