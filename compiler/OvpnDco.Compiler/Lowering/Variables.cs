using System.Collections.Generic;
using OvpnDco.Compiler.Metadata;
using OvpnDco.Compiler.Plugs;

namespace OvpnDco.Compiler.Lowering;

/// <summary>ldloc/stloc/ldarg/starg and their address forms, dup and pop.</summary>
public sealed partial class MethodLowering
{
    private void LoadLocal(int index)
    {
        var name = _localNames[index];
        if (_arrayLocals.TryGetValue(name, out var table))
        {
            Push(table);
            return;
        }
        _readVariables.Add(name);
        Push(Variable(name, LocalType(index)));
    }

    private void StoreLocal(int index)
    {
        var name = _localNames[index];
        if (!_loadedLocals.Contains(name))
        {
            // Never read: keep only what the value does (a call, a trap), not the store.
            PopStatement();
            return;
        }
        if (_body.Variables[index].IsPinned && Peek().Constant == 0)
        {
            // the end of a fixed block unpins: nothing to do in C, where nothing moves
            Pop();
            return;
        }
        StoreVariable(name, LocalType(index));
    }

    private void LoadArg(int index)
    {
        _readVariables.Add(_argNames[index]);
        Push(Variable(_argNames[index], _argTypes[index]));
    }

    private void StoreArg(int index) => StoreVariable(_argNames[index], _argTypes[index]);

    private void StoreVariable(string name, CType type)
    {
        var value = Pop();
        if (value.ArrayLength != null)
        {
            // A local that names a static table: later loads use the table itself (and keep its length).
            _arrayLocals[name] = value;
            return;
        }
        _writtenLocals.Add(name);
        NoteEnumJoin(value, type);
        var coerced = value.ArrayLength != null || value.StringLiteral != null ? value with { Type = type } : CExprs.Coerce(value, type, assignment: true);
        Statement(coerced.AssignTo(name), storesVariable: name, writesMemory: value.PendingCall);
    }

    private void AddressOfLocal(int index)
    {
        var name = _localNames[index];
        _readVariables.Add(name);
        Push(new Expr("&" + name, CType.PointerTo(LocalType(index)), Prec.Unary) { AddressOf = name });
    }

    private void AddressOfArg(int index)
    {
        var name = _argNames[index];
        _readVariables.Add(name);
        Push(new Expr("&" + name, CType.PointerTo(_argTypes[index]), Prec.Unary) { AddressOf = name });
    }

    private void Duplicate()
    {
        var top = Pop();
        // Constants, addresses of variables and plain variables can be repeated; anything else is evaluated once.
        if (!(top.Constant != null || top.AddressOf != null || (top.IsSimple && top.Precedence == Prec.Primary) ||
              top.StringLiteral != null || top.ArrayLength != null || top.Token != null || IsRepeatableElement(top)))
            top = Materialize(top, top.Type.Pointee is { Kind: StackKind.Struct } pointee ? Plugs.MemoryMarshalPlugs.TypeHint(pointee) : TestHint(top.Text)) with { PendingCall = false };
        Push(top);
        Push(top);
    }

    /// <summary>
    /// A join value (<c>c ? WskStep.None : WskStep.Failed</c> reaches the join as int32 arms) stored into an enum:
    /// the structurer names its constant arms for the enum's members.
    /// </summary>
    private void NoteEnumJoin(Expr value, CType destination)
    {
        if (destination.EnumNames != null && _stackVars.ContainsKey(value.Text))
            _stackVarEnums[value.Text] = destination;
    }

    private readonly Dictionary<string, CType> _stackVarEnums = new();

    /// <summary>
    /// A test kept for two branches (a C# bool local Roslyn left on the stack) is named for what it tests:
    /// <c>e-&gt;Valid != 0</c> → <c>valid</c>, <c>w-&gt;Step == OVPN_WSK_STEP_NONE</c> → <c>step_is_none</c> (snake case,
    /// like the other temporaries named for what they hold).
    /// </summary>
    private static string? TestHint(string text)
    {
        if (System.Text.RegularExpressions.Regex.Match(text, @"^(?:[A-Za-z_]\w*(?:->|\.))*([A-Za-z_]\w*) != 0$") is { Success: true } nonZero)
            return Names.Snake(nonZero.Groups[1].Value);
        if (System.Text.RegularExpressions.Regex.Match(text, @"^(?:[A-Za-z_]\w*(?:->|\.))*([A-Za-z_]\w*) == [A-Z][A-Z0-9_]*_([A-Z0-9]+)$") is { Success: true } equals)
            return Names.Snake(equals.Groups[1].Value) + "_is_" + equals.Groups[2].Value.ToLowerInvariant();
        return null;
    }

    private void PopStatement()
    {
        var value = Pop();
        if (value.PendingCall)
            Statement($"{value.Text};");
        else if (value.Impure)
            Statement($"(void){value.At(Prec.Unary)};", writesMemory: false); // keep the trap (bounds check, division)
    }

    /// <summary>
    /// <c>p-&gt;counts + i</c> (an element address, as <c>r-&gt;Count4[bits]++</c> duplicates it): spelled twice, it
    /// computes the same address when it reads only variables and at most one field through the root pointer.
    /// </summary>
    private static bool IsRepeatableElement(Expr e) =>
        !e.PendingCall && e.Element is { } el && PlugCall.IsLvaluePath(el.Base) && CountOf(el.Base, "->") <= 1 &&
        !el.Index.Contains("->", System.StringComparison.Ordinal) && !el.Index.Contains('[') && !el.Index.Contains('*') &&
        !System.Text.RegularExpressions.Regex.IsMatch(el.Index.Replace("UINT64_C(", "").Replace("INT64_C(", ""), @"\w\(");

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, System.StringComparison.Ordinal))
            n++;
        return n;
    }
}
