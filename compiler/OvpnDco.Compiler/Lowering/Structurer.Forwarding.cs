using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Temporaries that only carry a value one statement on. Roslyn parks values in unnamed locals (the pinned pointer
/// of <c>fixed</c>, a function pointer before <c>calli</c>'s arguments, <c>new S { F = v }</c>, <c>default(T)</c>)
/// and the lowering spills the stack into <c>tmpN</c>/<c>stkN</c> before a store; a hand-written driver has none
/// of them. A temporary set once and read once, in the next statement that can observe it, is replaced by its value
/// when nothing evaluated in between could change that value.
/// </summary>
internal sealed partial class Structurer
{
    private static readonly Regex TemporaryDefinition = new(@"^([A-Za-z_]\w*) = (.+);$", RegexOptions.CultureInvariant);
    /// <summary>An <c>initobj</c> of a variable: a memset of a struct, or <c>h = (T){0}</c> of a handle.</summary>
    private static readonly Regex ZeroFill = new(@"^ovpn_rt_memset\(&([A-Za-z_]\w*), 0, sizeof\(\1\)\);$|^([A-Za-z_]\w*) = \((?:const )?[A-Za-z_]\w*(?: \*)?\)\{0\};$",
        RegexOptions.CultureInvariant);

    /// <summary>The variable <paramref name="m"/> (a <see cref="ZeroFill"/> match) zero-fills.</summary>
    private static string Filled(Match m) => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;

    /// <summary>Runtime checks that only read their arguments (they trap on a bad index, never write).</summary>
    private static readonly Regex PureHelper = new(@"\bovpn_rt_(check_index|check_slice|check_length|check_not_null|bswap(16|32|64))\(",
        RegexOptions.CultureInvariant);

    private static bool ForwardTemporaries(List<Node> root, System.Func<string, Metadata.CType?> typeOf, System.Func<string, bool> isTemporary)
    {
        var changed = false;
        while (DropZeroFill(root, root, isTemporary, typeOf) || Forward(root, root, typeOf, isTemporary) || ForwardSpan(root, root, isTemporary))
            changed = true;
        return changed;
    }

    /// <summary>
    /// <c>ovpn_rt_memset(&amp;t, 0, sizeof(t));</c> or <c>t = (T){0};</c> (an <c>initobj</c>) right before <c>t = v;</c>
    /// is a dead store; right before the temporary's only read it is <c>default(T)</c>, spelled <c>(T){0}</c>.
    /// </summary>
    private static bool DropZeroFill(List<Node> code, List<Node> root, System.Func<string, bool> isTemporary,
        System.Func<string, Metadata.CType?> typeOf)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => DropZeroFill(c, root, isTemporary, typeOf)))
                return true;
            if (code[k] is not TextNode t || ZeroFill.Match(t.Text) is not { Success: true } m)
                continue;
            var v = Filled(m);
            if (isTemporary(v) && AllTexts(root).Sum(x => Count(x.Text, v)) == Count(t.Text, v))
            {
                // the temporary is zero-filled and never used: what it was for has been forwarded
                code.RemoveAt(k);
                return true;
            }
            if (k + 1 >= code.Count)
                continue;
            if (code[k + 1] is TextNode next && TemporaryDefinition.Match(next.Text) is { Success: true } d &&
                d.Groups[1].Value == v && Count(d.Groups[2].Value, v) == 0)
            {
                code.RemoveAt(k);
                return true;
            }
            // Roslyn reuses a temporary for default(T): the zero-filled value is read once, next, and never again
            if (!isTemporary(v) || typeOf(v) is not { } type || UseRef(code[k + 1]) is not { } use || Count(use.Text, v) != 1 ||
                Regex.IsMatch(use.Text, @"&\s*" + v + @"\b") || !Slot(use.Text, v))
                continue;
            if (AddressTaken(root, v) || !DeadAfter(root, code, k + 1, v))
                continue;
            var zero = type.IsExtern || type.Kind == Metadata.StackKind.Struct ? $"({type.Name}){{0}}"
                : type.Kind == Metadata.StackKind.Pointer ? "NULL" : $"({type.Name})0";
            use.Set(Regex.Replace(use.Text, @"\b" + v + @"\b", zero));
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    private static bool Forward(List<Node> code, List<Node> root, System.Func<string, Metadata.CType?> typeOf, System.Func<string, bool> isTemporary)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => Forward(c, root, typeOf, isTemporary)))
                return true;
            if (code[k] is not TextNode t || TemporaryDefinition.Match(t.Text) is not { Success: true } m || !isTemporary(m.Groups[1].Value))
                continue;
            var v = m.Groups[1].Value;
            var value = m.Groups[2].Value;
            if (Count(value, v) > 0 || AddressTaken(root, v))
                continue;
            var useAt = UseOf(code, k, v, root, out var between);
            if (useAt < 0)
                continue;
            var use = UseRef(code[useAt])!;
            if (Count(use.Text, v) != 1)
                continue;
            if (!Movable(value, code, root, k, useAt, between))
                continue;
            if (!OperandsAllowForward(use.Text, v, value) && !(OnlyVariables(value) && NoneAddressTaken(root, value)))
                continue;
            if (!TypePreserved(value, v, use.Text, typeOf))
                continue;
            var replacement = Slot(use.Text, v) || Primary(value) ? value : "(" + value + ")";
            use.Set(Regex.Replace(use.Text, @"\b" + v + @"\b", replacement.Replace("$", "$$")));
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The index of the one statement after <paramref name="k"/> that reads <paramref name="v"/>, when all of its
    /// other occurrences are the definition itself; -1 otherwise. <paramref name="between"/>: statements passed over.
    /// </summary>
    private static int UseOf(List<Node> code, int k, string v, List<Node> root, out int between)
    {
        between = 0;
        for (var j = k + 1; j < code.Count; j++)
        {
            var mentions = AllTexts(new List<Node> { code[j] }).Sum(x => Count(x.Text, v));
            if (mentions > 0)
                return UseRef(code[j]) is { } r && Count(r.Text, v) == 1 && mentions == 1 && DeadAfter(root, code, j, v) ? j : -1;
            if (code[j] is not TextNode)
                return -1; // a label, branch or loop in between: the value would cross control flow
            between++;
        }
        return -1;
    }

    /// <summary>The address of <paramref name="v"/> is taken (but by the zero fill of an <c>initobj</c>, a store).</summary>
    private static bool AddressTaken(List<Node> root, string v) =>
        AllTexts(root).Any(x => !ZeroFill.IsMatch(x.Text) && Regex.IsMatch(x.Text, @"&\s*" + v + @"\b(?!\s*->)"));

    /// <summary>
    /// No read of <paramref name="v"/> can follow statement <paramref name="index"/> of <paramref name="list"/> before
    /// a new value is stored into it: on every way on (the rest of the list, then after each enclosing statement;
    /// around an enclosing loop, its body from the top) the first statement that names it stores it. Conservative:
    /// anything but a plain store (a read, a branch that names it, a loop condition, a goto anywhere) says no.
    /// </summary>
    private static bool DeadAfter(List<Node> root, List<Node> list, int index, string v)
    {
        if (AllTexts(root).Any(x => x.Text.StartsWith("goto ", System.StringComparison.Ordinal)))
            return AllTexts(root).Sum(x => Count(x.Text, v)) == AllTexts(list).Sum(x => Count(x.Text, v)) &&
                   list.Skip(index + 1).All(n => !Mentions(n, v)) && list == root;
        var path = PathTo(root, list);
        if (path == null || ReadFirst(list.Skip(index + 1).ToList(), v))
            return false;
        for (var level = path.Count - 1; level >= 0; level--)
        {
            var (parentList, at) = path[level];
            if (parentList[at] is LoopNode loop)
            {
                // around the loop again: its condition, its step, then its body from the top
                if (Mentions(new LoopNode { Init = null, Cond = loop.Cond, Increment = loop.Increment }, v) || ReadFirst(loop.Body, v))
                    return false;
            }
            else if (parentList[at] is not (IfNode or SwitchNode))
                return false;
            if (ReadFirst(parentList.Skip(at + 1).ToList(), v))
                return false;
        }
        return true;
    }

    /// <summary>Some way through <paramref name="code"/> reads <paramref name="v"/> before it stores it.</summary>
    private static bool ReadFirst(List<Node> code, string v)
    {
        for (var i = 0; i < code.Count; i++)
        {
            var n = code[i];
            if (!Mentions(n, v))
                continue;
            switch (n)
            {
                case TextNode:
                    return !IsStoreOf(n, v);
                case IfNode f:
                    if (Count(f.Cond, v) > 0)
                        return true;
                    var rest = code.Skip(i + 1).ToList();
                    return ReadFirst(f.Then.Concat(rest).ToList(), v) || ReadFirst(f.Else.Concat(rest).ToList(), v);
                default:
                    return true; // a loop, switch or jump that names it: say read
            }
        }
        return false;
    }

    private static bool Mentions(Node n, string v) => AllTexts(new List<Node> { n }).Any(x => Count(x.Text, v) > 0);

    private static bool IsStoreOf(Node n, string v) =>
        n is TextNode t && (ZeroFill.Match(t.Text) is { Success: true } z && Filled(z) == v ||
                            TemporaryDefinition.Match(t.Text) is { Success: true } d && d.Groups[1].Value == v && Count(d.Groups[2].Value, v) == 0);

    /// <summary>The enclosing statements of <paramref name="target"/>, outermost first: (the list holding one, its index).</summary>
    private static List<(List<Node> List, int Index)>? PathTo(List<Node> root, List<Node> target)
    {
        if (root == target)
            return new List<(List<Node>, int)>();
        for (var i = 0; i < root.Count; i++)
            foreach (var child in Children(root[i]))
                if (PathTo(child, target) is { } rest)
                {
                    rest.Insert(0, (root, i));
                    return rest;
                }
        return null;
    }

    /// <summary>Where a forwarded value may land: a statement, an <c>if</c>'s condition, a return, a switch value.</summary>
    private static TextRef? UseRef(Node n) => n switch
    {
        TextNode t => new TextRef(t.Text, x => t.Text = x),
        IfNode i => new TextRef(i.Cond, x => { i.Negated = i.Negated.Replace(i.Cond, x); i.Cond = x; }),
        JumpNode { Kind: var kind } j when kind.StartsWith("return ", System.StringComparison.Ordinal) => new TextRef(j.Kind, x => j.Kind = x),
        SwitchNode s => new TextRef(s.Value, x => s.Value = x),
        _ => null,
    };

    /// <summary>
    /// The value may be evaluated later, at its use: when it reads only variables that the statements passed over
    /// do not write (nor take the address of); else only with nothing in between.
    /// </summary>
    private static bool Movable(string value, List<Node> code, List<Node> root, int k, int useAt, int between) =>
        between == 0 ||
        OnlyVariables(value) && NoneAddressTaken(root, value) && code.Skip(k + 1).Take(useAt - k - 1).All(n => Untouched(n, value));

    /// <summary>No call can change these variables: none has its address taken.</summary>
    private static bool NoneAddressTaken(List<Node> root, string value) =>
        VariablesOf(value).All(n => !AddressTaken(root, n));

    /// <summary>The variables an expression names (not its types, casts' words or macro constants).</summary>
    private static List<string> VariablesOf(string value) =>
        Regex.Matches(value, @"\b[A-Za-z_]\w*\b").Select(x => x.Value).Where(n => !IsTypeWord(n)).Distinct().ToList();

    /// <summary>A value made of variables, constants and casts only (no memory read, no call).</summary>
    private static bool OnlyVariables(string value) =>
        !Regex.IsMatch(value, @"->|\[|\*\s*[A-Za-z_(]|[A-Za-z_]\w*\s*\(|\)\s*\.|[^=!<>]=[^=]|\+\+|--") ||
        Regex.IsMatch(value, @"^\((?:const )?[A-Za-z_]\w*(?: \*)?\)[A-Za-z_]\w*$");

    private static bool IsTypeWord(string w) => Regex.IsMatch(w, @"^(u?int\d+_t|u?intptr_t|U?INT\d+_C|bool|void|const|NULL|[A-Z][A-Z0-9_]*)$");

    /// <summary>
    /// Moving the value into the use must not reorder it with another side effect: the use's own operands (all but
    /// the call it makes and the variable it assigns) are free of calls and stores; a value that calls something
    /// moves only where the rest of the use reads no memory.
    /// </summary>
    private static bool OperandsAllowForward(string use, string v, string value)
    {
        var operands = Regex.Replace(use, @"^return\s+", "");
        operands = Regex.Replace(operands, @"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)* = ", "");
        operands = CallOperands(Regex.Replace(operands, @"\b" + v + @"\b", ""));
        if (!SideEffectFree(operands))
            return false;
        var valueCalls = !SideEffectFree(PureHelper.Replace(value, "("));
        if (!valueCalls)
            return true;
        // the value calls: what else the use reads must be unaffected by that call — constants and plain variables
        return !Regex.IsMatch(operands, @"->|\[|\*\s*[A-Za-z_(]|\.");
    }

    /// <summary>
    /// What a statement evaluates before the call it makes: <c>f(a, b)</c> without the callee <c>f</c> (C evaluates
    /// every argument before the call), and without the runtime's pure checks; what is left must be side-effect free
    /// for a value to move in among the arguments.
    /// </summary>
    private static string CallOperands(string text) =>
        PureHelper.Replace(Regex.Replace(text, @"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*\s*\(", "("), "(");

    /// <summary>
    /// The value reads the same at the use as through the temporary: a temporary of pointer, struct or function
    /// type (Roslyn stored exactly that type), or an integer value whose type is spelled out (a cast to the
    /// temporary's type, a constant, a comparison, a variable of the same type).
    /// </summary>
    private static bool TypePreserved(string value, string v, string use, System.Func<string, Metadata.CType?> typeOf)
    {
        var type = typeOf(v);
        if (type == null)
            return false;
        if (Regex.IsMatch(v, @"^(tmp\d+|old_\w+)$"))
            return true; // made from the value itself (Materialize): exactly its type
        var castToSame = Regex.IsMatch(value, @"^\(" + Regex.Escape(type.Name) + @"\)") && WholeCast(value);
        if (castToSame)
            return true;
        if (type.IsInteger)
        {
            if (Literal.IsMatch(value) && !value.StartsWith('-') || Regex.IsMatch(value, @"^U?INT\d+_C\(\d+\)$"))
                return type.Size is 8 or -1 || !value.Contains("_C(");
            if (IsComparison(value))
                return true; // 0 or 1, in any integer type
            // a variable of the same integer type, or a bool (0 or 1 in any integer type)
            return Regex.IsMatch(value, @"^[A-Za-z_]\w*$") && (SameValueType(typeOf(value), type) || typeOf(value) is { IsBool: true });
        }
        if (type.Kind == Metadata.StackKind.Pointer)
        {
            // dereferenced or indexed at the use: the value must carry the pointee type itself
            var derefs = Regex.IsMatch(use, @"\b" + v + @"\s*(->|\[|[-+])") || Regex.IsMatch(use, @"\*\s*" + v + @"\b");
            if (!derefs)
                return true;
            return Regex.IsMatch(value, @"^[A-Za-z_]\w*$") && typeOf(value)?.Name == type.Name ||
                   Regex.IsMatch(value, @"^\S+\.len != 0 \? \S+\.ptr : NULL$");
        }
        return true; // structs, extern handle types and function pointers travel as they are
    }

    /// <summary><c>(T)x</c>, <c>(T)(…)</c> or <c>(T)f(…)</c>: the cast covers the whole value.</summary>
    private static bool WholeCast(string value)
    {
        var close = value.IndexOf(')');
        var rest = value[(close + 1)..];
        if (Regex.IsMatch(rest, @"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$|^-?\d+u?$"))
            return true;
        if (Regex.IsMatch(rest, @"^(\((?:const )?[A-Za-z_]\w*(?: \*)?\))*[&A-Za-z_]") || rest.StartsWith('('))
        {
            var start = Regex.Match(rest, @"^(\((?:const )?[A-Za-z_]\w*(?: \*)?\))*").Length;
            var tail = rest[start..];
            if (Regex.IsMatch(tail, @"^&?[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$"))
                return true;
            var open = tail.IndexOf('(');
            if (open >= 0 && Regex.IsMatch(tail[..open], @"^[A-Za-z_]\w*$|^$") && Closing(tail, open) == tail.Length - 1)
                return true;
        }
        return false;
    }

    /// <summary>Where the bracket opened at <paramref name="open"/> (a '(' or '{') closes; -1 if it does not.</summary>
    private static int Closing(string text, int open)
    {
        var (opening, closing) = text[open] == '{' ? ('{', '}') : ('(', ')');
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == opening) depth++;
            else if (text[i] == closing && --depth == 0) return i;
        }
        return -1;
    }

    private static bool IsComparison(string value) =>
        Regex.IsMatch(value, @"^[^?=<>!]*(==|!=|<=|>=|<|>)[^?=<>]*$") && !value.Contains("->(") && !Regex.IsMatch(value, @"<<|>>");

    /// <summary>The variable stands where any expression may without parentheses: an argument, a whole right side, a condition.</summary>
    private static bool Slot(string use, string v)
    {
        var m = Regex.Match(use, @"(.?)\s*\b" + v + @"\b\s*(.?)");
        var before = m.Groups[1].Value;
        var after = m.Groups[2].Value;
        if (Regex.IsMatch(use, @"^(return\s+|[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)* = )" + v + ";$") || use == v)
            return true;
        return before is "(" or "," && after is "," or ")";
    }

    /// <summary>An identifier, a member path, a literal, a whole call or compound literal: never needs parentheses.</summary>
    private static bool Primary(string value)
    {
        if (Regex.IsMatch(value, @"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$|^\d+u?$"))
            return true;
        var call = Regex.Match(value, @"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*\(");
        if (call.Success)
            return Closing(value, call.Length - 1) == value.Length - 1;
        var literal = Regex.Match(value, @"^\((?:const )?[A-Za-z_]\w*(?: \*)?\)\{");
        return literal.Success && Closing(value, literal.Length - 1) == value.Length - 1;
    }

    /// <summary>
    /// A span temporary read only as <c>t.ptr</c> and <c>t.len</c> (what <c>CopyTo</c> lowers to), set from a compound
    /// literal <c>(T){ p, n }</c>: the two parts go to the two reads.
    /// </summary>
    private static bool ForwardSpan(List<Node> code, List<Node> root, System.Func<string, bool> isTemporary)
    {
        for (var k = 0; k < code.Count; k++)
        {
            if (Children(code[k]).Any(c => ForwardSpan(c, root, isTemporary)))
                return true;
            if (code[k] is not TextNode t || k + 1 >= code.Count || code[k + 1] is not TextNode use ||
                TemporaryDefinition.Match(t.Text) is not { Success: true } m || !isTemporary(m.Groups[1].Value))
                continue;
            var v = m.Groups[1].Value;
            var parts = Regex.Match(m.Groups[2].Value, @"^\([A-Za-z_]\w*\)\{ (.+), ([^,]+) \}$");
            if (!parts.Success || !BalancedArgument(parts.Groups[1].Value) || !BalancedArgument(parts.Groups[2].Value))
                continue;
            if (Count(use.Text, v) != 2 || Count(use.Text, v + ".ptr") != 1 || Count(use.Text, v + ".len") != 1 ||
                AddressTaken(root, v) || !DeadAfter(root, code, k + 1, v))
                continue;
            var operands = CallOperands(use.Text);
            if (!SideEffectFree(operands) || !SideEffectFree(PureHelper.Replace(m.Groups[2].Value, "(")))
                continue;
            use.Text = Substitute(Substitute(use.Text, v + ".ptr", parts.Groups[1].Value), v + ".len", parts.Groups[2].Value);
            code.RemoveAt(k);
            return true;
        }
        return false;
    }

    /// <summary>
    /// <paramref name="name"/> (once in <paramref name="text"/>) replaced by <paramref name="value"/>, in parentheses
    /// unless it is primary, stands in an argument's place, or is a cast of a primary not followed by a postfix.
    /// </summary>
    private static string Substitute(string text, string name, string value)
    {
        var at = Regex.Match(text, @"\b" + Regex.Escape(name) + @"\b");
        var after = text[(at.Index + at.Length)..].TrimStart();
        var before = text[..at.Index].TrimEnd();
        var argument = (before.EndsWith('(') || before.EndsWith(',')) && (after.StartsWith(',') || after.StartsWith(')'));
        var castOfPrimary = Regex.Match(value, @"^(\((?:const )?[A-Za-z_]\w*(?: \*)?\))+") is { Success: true } c &&
                            Primary(value[c.Length..]) && !Regex.IsMatch(after, @"^(->|\.|\[|\()");
        var spelled = Primary(value) || argument || castOfPrimary ? value : "(" + value + ")";
        return text[..at.Index] + spelled + text[(at.Index + at.Length)..];
    }

    /// <summary>Parentheses balance and no top-level comma: the text is one argument.</summary>
    private static bool BalancedArgument(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            if (c is '(' or '{' or '[') depth++;
            else if (c is ')' or '}' or ']') { if (--depth < 0) return false; }
            else if (c == ',' && depth == 0) return false;
        }
        return depth == 0;
    }
}
