using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;
using OvpnDco.Compiler.Plugs;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Lowers one method instance from IL to a C function body. The IL evaluation stack is simulated with
/// <see cref="Expr"/> values that fold into C expressions; values are spilled into temporaries only where
/// C's evaluation order would otherwise differ from IL's (stores, calls, branches with a non-empty stack).
/// Opcode families live in the partial files beside this one.
/// </summary>
public sealed partial class MethodLowering
{
    private readonly Compilation _c;
    private readonly MethodInstance _m;
    private readonly MethodBody _body;
    private readonly List<Expr> _stack = new();
    private readonly List<Stmt> _stmts = new();
    private readonly List<(string Name, CType Type)> _locals = new();
    private readonly string[] _localNames;
    private readonly CType?[] _localTypes;
    private readonly string[] _argNames;
    private readonly CType[] _argTypes;
    private readonly HashSet<string> _addressTaken = new();
    private readonly HashSet<string> _readVariables = new();
    private readonly HashSet<int> _labels = new();
    private readonly Dictionary<int, List<CType>> _entryStacks = new();
    private readonly Dictionary<string, CType> _stackVars = new();
    private int _temps;
    private bool _reachable = true;
    private Instruction _current = null!;
    private TypeReference? _constrained;

    public MethodLowering(Compilation compilation, MethodInstance method)
    {
        _c = compilation;
        _m = method;
        _body = method.Definition.Body;
        var def = method.Definition;

        var args = new List<(string, CType)>();
        if (def.HasThis)
        {
            var self = method.DeclaringType;
            if (!TypeMapper.Resolve(self).IsValueType)
                throw new CompileError(ErrorCodes.UnsupportedType,
                    $"instance method of class '{self.FullName}' is not supported in kernel code (make it static or use a struct)");
            args.Add(("self", CType.PointerTo(_c.Types.Map(self))));
        }
        foreach (var p in def.Parameters)
            args.Add((Names.Variable(string.IsNullOrEmpty(p.Name) ? $"arg{p.Index}" : p.Name), MapParameter(p.ParameterType)));
        _argNames = args.Select(a => a.Item1).ToArray();
        _argTypes = args.Select(a => a.Item2).ToArray();

        var variables = _body.Variables;
        _localNames = new string[variables.Count];
        _localTypes = new CType[variables.Count];
        var used = new HashSet<string>(_argNames);
        foreach (var v in variables)
        {
            string? name = null;
            if (def.DebugInformation.TryGetName(v, out var debugName) && !string.IsNullOrEmpty(debugName) &&
                !debugName.StartsWith("CS$", StringComparison.Ordinal))
                name = Names.Variable(debugName);
            if (name == null)
            {
                name = $"loc{v.Index}";
                _synthesized.Add(v.Index);
            }
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
                unique = $"{name}_{n}";
            _localNames[v.Index] = unique;
        }
    }

    private CType MapParameter(TypeReference t)
    {
        var resolved = _m.Context.Resolve(t);
        return resolved.MetadataType == MetadataType.String ? CType.ConstCharPtr : _c.Types.Map(resolved);
    }

    /// <summary>A local's C type, mapped at its first use so that a refused type is reported at that line.</summary>
    private CType LocalType(int index) => _localTypes[index] ??= MapLocal(_body.Variables[index].VariableType);

    private CType MapLocal(TypeReference t)
    {
        var resolved = _m.Context.Resolve(t);
        if (resolved is PinnedType pinned)
            resolved = pinned.ElementType;
        // A pinned array or string local only ever holds a pointer we already have.
        if (resolved is ArrayType array)
            return CType.PointerTo(_c.Types.Map(array.ElementType));
        return resolved.MetadataType == MetadataType.String ? CType.ConstCharPtr : _c.Types.Map(resolved);
    }

    public string Signature(string name, bool annotate = false)
    {
        var ret = _c.Types.Map(_m.ReturnType);
        var sal = annotate;
        var args = _argNames.Length == 0
            ? "void"
            : string.Join(", ", _argNames.Select((n, i) => (sal ? Sal(i) : "") + _argTypes[i].Declare(n)));
        var contract = sal && ret.Name == "OvpnDco_Runtime_Uapi_NtStatus" ? "_Must_inspect_result_ " : "";
        if (sal)
            contract += Emit.SalContracts.Function(_m.Definition);
        return $"{contract}{ret.Declare(CallingConventions.Of(_m.Definition) + name)}({args})";
    }

    /// <summary>
    /// The SAL annotation of a by-reference parameter: C# <c>out</c> → <c>_Out_</c>, <c>in</c> →
    /// <c>_In_</c>, <c>ref</c> and a struct's <c>this</c> → <c>_Inout_</c>. Raw pointers (nullable) and spans are left alone.
    /// </summary>
    private string Sal(int index)
    {
        var def = _m.Definition;
        if (def.HasThis && index == 0)
            return "_Inout_ ";
        var p = def.Parameters[index - (def.HasThis ? 1 : 0)];
        var contract = Emit.SalContracts.Parameter(p, CParameterName);
        if (p.ParameterType is not ByReferenceType)
            return contract;
        if (p.IsOut)
            return "_Out_ " + contract;
        return (p.IsIn || p.CustomAttributes.Any(a => a.AttributeType.Name == "IsReadOnlyAttribute") ? "_In_ " : "_Inout_ ") + contract;
    }

    /// <summary>The C name of the C# parameter <paramref name="name"/>, or null when there is none.</summary>
    private string? CParameterName(string name)
    {
        var def = _m.Definition;
        var p = def.Parameters.FirstOrDefault(x => x.Name == name);
        return p is null ? null : _argNames[p.Index + (def.HasThis ? 1 : 0)];
    }

    /// <summary>Lowers the body; returns the C statements (declarations first).</summary>
    public string LowerBody()
    {
        if (_body.HasExceptionHandlers)
            PrepareFinallyBlocks();

        foreach (var ins in _body.Instructions)
        {
            switch (ins.Operand)
            {
                case Instruction target:
                    _labels.Add(target.Offset);
                    break;
                case Instruction[] targets:
                    foreach (var t in targets)
                        _labels.Add(t.Offset);
                    break;
            }
            if (ins.OpCode.Code is Code.Ldloca or Code.Ldloca_S)
                _addressTaken.Add(_localNames[((VariableDefinition)ins.Operand).Index]);
            if (ins.OpCode.Code is >= Code.Ldloc_0 and <= Code.Ldloc_3)
                _loadedLocals.Add(_localNames[ins.OpCode.Code - Code.Ldloc_0]);
            if (ins.OpCode.Code is Code.Ldloc or Code.Ldloc_S or Code.Ldloca or Code.Ldloca_S)
                _loadedLocals.Add(_localNames[((VariableDefinition)ins.Operand).Index]);
            if (ins.OpCode.Code is Code.Ldarga or Code.Ldarga_S)
                _addressTaken.Add(_argNames[ArgIndex(ins)]);
        }

        foreach (var ins in _body.Instructions)
        {
            _current = ins;
            try
            {
                if (_labels.Contains(ins.Offset))
                    EnterLabel(ins);
                if (!_reachable)
                    continue;
                if (_skip == ins)
                    continue;
                SpillPendingCallUnlessConsumed(ins);
                Translate(ins);
                if (ins.OpCode.Code != Code.Constrained)
                    _constrained = null;
            }
            catch (CompileError e)
            {
                throw e.At(LocationOf(ins));
            }
        }

        var decl = new StringBuilder();
        AppendFinallySupport(decl);
        // Parameters the body never reads (handlers with a fixed signature) are marked so -Wextra stays quiet.
        _stmts.InsertRange(0, _argNames.Where(a => !_readVariables.Contains(a) && !_writtenLocals.Contains(a)).Select(a => new PlainStmt($"(void){a};")));
        var body = Structurer.Emit(_stmts, VariableType, IsTemporary);
        // A temporary named for what it holds must not hide a function the body calls (an [Import] named like
        // its result: nt_send = nt_send(...)): such a temporary becomes name_result.
        for (var t = 0; t < _locals.Count; t++)
        {
            var name = _locals[t].Name;
            if (!_hinted.Contains(name) || !System.Text.RegularExpressions.Regex.IsMatch(body, @"\b" + name + @"\s*\("))
                continue;
            var renamed = name + "_result";
            for (var n = 2; IsNameTaken(renamed); n++)
                renamed = $"{name}_result_{n}";
            body = System.Text.RegularExpressions.Regex.Replace(body, @"\b" + name + @"\b(?!\s*\()", renamed);
            _locals[t] = (renamed, _locals[t].Type);
        }
        body = NameSynthesizedLocals(body);
        for (var i = 0; i < _localNames.Length; i++)
        {
            if (!_readVariables.Contains(_localNames[i]) && !_addressTaken.Contains(_localNames[i]) && !_writtenLocals.Contains(_localNames[i]))
                continue;
            // a local only ever used as default(T) (see InitObject), or a synthesized one forwarded, is gone from the body
            if ((_defaultLocals.Contains(_localNames[i]) || _synthesized.Contains(i)) &&
                !System.Text.RegularExpressions.Regex.IsMatch(body, @"\b" + _localNames[i] + @"\b"))
                continue;
            decl.Append("    ").Append(LocalType(i).Declare(_localNames[i])).Append(" = ").Append(ZeroOf(LocalType(i))).Append(";\n");
        }
        // Stack variables the structurer folded back into conditional expressions are gone from the body.
        foreach (var (name, type) in _stackVars.OrderBy(v => v.Key, StringComparer.Ordinal))
            if (System.Text.RegularExpressions.Regex.IsMatch(body, @"\b" + name + @"\b"))
                decl.Append("    ").Append(type.Declare(name)).Append(";\n");
        foreach (var (name, type) in _locals)
        {
            if (_stackallocs.TryGetValue(name, out var alloc))
            {
                decl.Append($"    _Alignas(8) uint8_t {name}[{alloc.Bytes}]{(alloc.Zero ? " = {0}" : "")};\n");
                if (!char.IsAsciiDigit(alloc.Bytes[0]))
                    decl.Append($"    _Static_assert({alloc.Bytes} <= {MaxStackAlloc}u, \"stackalloc over 64 KiB\");\n");
            }
            else if (System.Text.RegularExpressions.Regex.IsMatch(body, @"\b" + name + @"\b"))
                decl.Append("    ").Append(type.Declare(name)).Append(";\n");
        }
        if (decl.Length > 0)
            decl.Append('\n');
        return decl.ToString() + body;
    }

    private readonly HashSet<string> _writtenLocals = new();

    /// <summary>Locals Roslyn made (no name in the PDB): the pinned pointer of <c>fixed</c>, spilled operands.</summary>
    private readonly HashSet<int> _synthesized = new();

    /// <summary>
    /// The Roslyn locals that stay (C needs an lvalue: a key passed by <c>in</c>, a span read twice) are named for
    /// their type instead of <c>locN</c>: <c>table_key</c>, <c>peer_ref</c>, <c>span</c>, <c>pinned</c>.
    /// </summary>
    private string NameSynthesizedLocals(string body)
    {
        foreach (var i in _synthesized.OrderBy(x => x))
        {
            var old = _localNames[i];
            if (!System.Text.RegularExpressions.Regex.IsMatch(body, @"\b" + old + @"\b"))
                continue;
            var type = _body.Variables[i].VariableType;
            var mapped = LocalType(i);
            var baseName = type.IsPinned || type.IsPointer || type is PinnedType ? "pinned"
                : mapped.SpanElement != null ? "span"
                : mapped.Kind == StackKind.Struct ? Names.Variable(Plugs.MemoryMarshalPlugs.TypeHint(mapped))
                : type is FunctionPointerType ? "method"
                : "value";
            var name = baseName;
            for (var n = 2; IsNameTaken(name) || System.Text.RegularExpressions.Regex.IsMatch(body, @"(?<![.>])\b" + name + @"\b"); n++)
                name = $"{baseName}_{n}";
            body = System.Text.RegularExpressions.Regex.Replace(body, @"\b" + old + @"\b", name);
            // and the copies kept of it before a store (old_loc4_2 → old_box_2)
            for (var t = 0; t < _locals.Count; t++)
                if (System.Text.RegularExpressions.Regex.Match(_locals[t].Name, @"^old_" + old + @"(_\d+)?$") is { Success: true } copy)
                {
                    var renamed = "old_" + name + copy.Groups[1].Value;
                    body = System.Text.RegularExpressions.Regex.Replace(body, @"\b" + _locals[t].Name + @"\b", renamed);
                    _locals[t] = (renamed, _locals[t].Type);
                }
            _localNames[i] = name;
            foreach (var set in new[] { _readVariables, _addressTaken, _writtenLocals, _defaultLocals })
                if (set.Contains(old))
                    set.Add(name);
        }
        return body;
    }

    /// <summary>What the structurer may forward into its one use: temporaries of ours and of Roslyn's.</summary>
    private bool IsTemporary(string name)
    {
        if (_stackVars.ContainsKey(name))
            return true;
        var local = Array.IndexOf(_localNames, name);
        if (local >= 0)
            return _synthesized.Contains(local);
        if (Array.IndexOf(_argNames, name) >= 0)
            return false;
        return _locals.Any(l => l.Name == name) && (!_hinted.Contains(name) || name.StartsWith("old_", StringComparison.Ordinal));
    }

    /// <summary>An instruction already translated together with the one before it.</summary>
    private Instruction? _skip;

    /// <summary>Locals that served as <c>default(T)</c> values (their declaration may be unused).</summary>
    private readonly HashSet<string> _defaultLocals = new();

    /// <summary>Locals some instruction reads (Debug IL stores into locals nobody reads: those stores vanish).</summary>
    private readonly HashSet<string> _loadedLocals = new();

    private static string ZeroOf(CType t) => t.Kind switch
    {
        StackKind.Struct => "{0}",
        StackKind.Pointer => "NULL",
        _ => t.IsBool ? "false" : "0",
    };

    // ---- stack ------------------------------------------------------------------------------------

    private void Push(Expr e) => _stack.Add(e);

    private Expr Pop()
    {
        if (_stack.Count == 0)
            throw new CompileError(ErrorCodes.UnsupportedStack, "IL evaluation stack underflow");
        var e = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return e;
    }

    private Expr Peek() => _stack[^1];

    /// <summary>
    /// A fresh temporary, declared at the top of the function: named for what it holds when the value says
    /// (<c>status</c>, <c>peer</c>, <c>header</c>; <c>_2</c>… when a C# local or another temporary has the name),
    /// else <c>tmpN</c>.
    /// </summary>
    private string NewTemp(CType type, string? hint = null)
    {
        if (hint != null)
        {
            var baseName = Names.Variable(hint);
            var unique = baseName;
            for (var n = 2; IsNameTaken(unique); n++)
                unique = $"{baseName}_{n}";
            _locals.Add((unique, type));
            _hinted.Add(unique);
            return unique;
        }
        var name = $"tmp{_temps++}";
        _locals.Add((name, type));
        return name;
    }

    /// <summary>Temporaries named from a hint (they may meet a function of the same name).</summary>
    private readonly HashSet<string> _hinted = new();

    private bool IsNameTaken(string name) =>
        Array.IndexOf(_argNames, name) >= 0 || Array.IndexOf(_localNames, name) >= 0 || _locals.Any(l => l.Name == name);

    private Expr Variable(string name, CType type) =>
        new(name, type, Prec.Primary)
        {
            Reads = new HashSet<string> { name },
            Impure = _addressTaken.Contains(name),
        };

    /// <summary>Evaluates <paramref name="e"/> into a temporary now (keeps IL's order of side effects).</summary>
    private Expr Materialize(Expr e, string? hint = null)
    {
        if (e.Constant != null || e.StringLiteral != null || e.Token != null || e.ArrayLength != null)
            return e;
        var type = e.Type;
        if (type == CType.Void)
            throw new CompileError(ErrorCodes.UnsupportedStack, "void value on the stack");
        var name = NewTemp(type, hint ?? e.Hint);
        Line($"{name} = {e.Text};");
        return Variable(name, type) with
        {
            IsBoolean = e.IsBoolean, AddressOf = null, SizeOf = e.SizeOf, Scaled = e.Scaled,
        };
    }

    private void SpillPendingCallUnlessConsumed(Instruction ins)
    {
        if (_stack.Count == 0 || !_stack[^1].PendingCall)
            return;
        var consumesNow = ins.OpCode.Code switch
        {
            Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3 => true,
            Code.Starg or Code.Starg_S or Code.Ret or Code.Pop => true,
            Code.Stsfld => true,
            Code.Brtrue or Code.Brtrue_S or Code.Brfalse or Code.Brfalse_S => _stack.Count == 1,
            Code.Stfld or Code.Stobj or >= Code.Stind_Ref and <= Code.Stind_R8 or Code.Stind_I =>
                _stack.Count >= 2 && _stack[^2].IsSimple,
            Code.Call or Code.Callvirt => PassesToCall((MethodReference)ins.Operand),
            // an unconditional branch moves the stack into the join's variables in order, the call last
            Code.Br or Code.Br_S => true,
            _ => false,
        };
        if (!consumesNow)
        {
            // The call becomes a statement of its own: what IL evaluated before it and the call may change (a read of
            // memory, of a local whose address is taken) is evaluated first, in order — b.Value * 1000 + Bump(&b).
            for (var i = 0; i < _stack.Count - 1 && !_stack[^1].ReadOnlyCall; i++)
            {
                var e = _stack[i];
                if ((e.Impure || e.PendingCall || e.Reads.Any(_addressTaken.Contains)) && !IsFieldAddress(e))
                    _stack[i] = Materialize(e, TestHint(e.Text)) with { PendingCall = false };
            }
            _stack[^1] = Materialize(_stack[^1]) with { PendingCall = false };
        }
    }

    /// <summary>
    /// A call result passed straight on as the last argument of a user method (<c>f(g(x))</c>): C evaluates the
    /// arguments before the call, so the order is IL's when the other arguments cannot be changed by the inner
    /// call (constants, addresses of variables, variables whose address is never taken). Plugs may repeat an
    /// argument, so they get the result in a temporary as before.
    /// </summary>
    private bool PassesToCall(MethodReference method)
    {
        if (_constrained != null)
            return false;
        var count = method.Parameters.Count + (method.HasThis ? 1 : 0);
        if (count == 0 || _stack.Count < count)
            return false;
        for (var k = 2; k <= count; k++)
        {
            var e = _stack[^k];
            var stable = e.Constant != null || e.StringLiteral != null ||
                         (e.AddressOf != null && PlugCall.IsLvaluePath(e.AddressOf) && !e.AddressOf.Contains("->")) ||
                         (e.IsSimple && PlugCall.IsLvaluePath(e.Text) && !e.Text.Contains("->"));
            if (!stable || e.PendingCall || e.Reads.Any(_addressTaken.Contains) && e.AddressOf == null)
                return false;
        }
        var def = method.Resolve();
        return def != null && (_c.IsUserCode(def) || Imports.Of(def) != null) && !_c.UserPlugs.TryFind(method, out _, out _);
    }

    /// <summary>
    /// Before a statement runs: stack values it could change (a store to a variable they read, or any write
    /// to memory for values that read memory or may trap) are evaluated into temporaries first.
    /// </summary>
    private void SpillFor(string? storesVariable, bool writesMemory, bool onlyThatVariable = false)
    {
        for (var i = 0; i < _stack.Count; i++)
        {
            var e = _stack[i];
            var reads = storesVariable != null && e.Reads.Contains(storesVariable);
            var memory = writesMemory && (e.Impure || e.PendingCall || e.Reads.Any(_addressTaken.Contains));
            // A store into a local whose address was taken reaches only that local, or memory read through a pointer.
            if (memory && onlyThatVariable && !e.PendingCall && !ReadsThroughPointer(e.Text))
                memory = false;
            // &p->f.g and &x.f compute an address from one variable: no write to memory changes it.
            if (memory && !e.PendingCall && IsFieldAddress(e))
                memory = false;
            if (reads || memory || e.PendingCall)
                _stack[i] = Materialize(e, reads && e.Text == storesVariable ? "old_" + storesVariable : TestHint(e.Text)) with { PendingCall = false };
        }
    }

    private bool IsFieldAddress(Expr e)
    {
        if (e.AddressOf is not { } path || !PlugCall.IsLvaluePath(path))
            return false;
        var root = path.Split('.', '-')[0];
        var arrow = path.IndexOf("->", StringComparison.Ordinal);
        // a local's field has a fixed address; p->f.g moves only when p does (never through a pointer unless &p was taken)
        return arrow < 0 ||
               (arrow == root.Length && path.IndexOf("->", arrow + 2, StringComparison.Ordinal) < 0 && !_addressTaken.Contains(root));
    }

    /// <summary>Text that may read memory through a pointer (a dereference, <c>-&gt;</c>, an index or a call).</summary>
    private static bool ReadsThroughPointer(string text) =>
        text.Contains("->", StringComparison.Ordinal) || text.Contains('*') || text.Contains('[') || text.Contains('(');

    private void Line(string text) => _stmts.Add(new PlainStmt(text));

    /// <summary>Emits a statement with side effects (store, call) after spilling what it could disturb.</summary>
    private void Statement(string text, string? storesVariable = null, bool writesMemory = true)
    {
        // A store into a local or a field of one (x.f.g: its root x) writes nothing else.
        if (storesVariable != null && PlugCall.IsLvaluePath(storesVariable) && !storesVariable.Contains("->", StringComparison.Ordinal))
            storesVariable = storesVariable.Split('.')[0];
        var local = storesVariable != null && IsLocalOrArgument(storesVariable);
        if (storesVariable != null && !local)
            writesMemory = true;
        // writesMemory: the statement may write memory besides the local (a call in the value).
        SpillFor(storesVariable, writesMemory || (local && _addressTaken.Contains(storesVariable!)), local && !writesMemory);
        Line(text);
    }

    /// <summary>The C type of a local, argument, temporary or stack variable by name (null if unknown).</summary>
    private CType? VariableType(string name)
    {
        var arg = Array.IndexOf(_argNames, name);
        if (arg >= 0)
            return _argTypes[arg];
        var local = Array.IndexOf(_localNames, name);
        if (local >= 0)
            return _localTypes[local];
        if (_stackVarEnums.TryGetValue(name, out var joinedEnum))
            return joinedEnum;
        if (_stackVars.TryGetValue(name, out var stack))
            return stack;
        foreach (var (n, t) in _locals)
            if (n == name)
                return t;
        return null;
    }

    private bool IsLocalOrArgument(string name) =>
        Array.IndexOf(_localNames, name) >= 0 || Array.IndexOf(_argNames, name) >= 0 || _locals.Any(l => l.Name == name);

    // ---- control flow ------------------------------------------------------------------------------

    private static string Label(int offset) => $"IL_{offset:x4}";

    /// <summary>
    /// The variables that carry the stack into the join at <paramref name="target"/>, chosen at the first branch
    /// there: a value already in a stack variable keeps it; any other gets a fresh one (<c>stk0_i32</c>,
    /// <c>stk0_i32_2</c>…), so the structurer can fold each join's value on its own.
    /// </summary>
    private List<string> EntryNames(int target, List<CType> types)
    {
        if (_entryNames.TryGetValue(target, out var names))
            return names;
        names = new List<string>();
        for (var i = 0; i < types.Count; i++)
        {
            var current = _stack.Count == types.Count ? _stack[i].Text : null;
            if (current != null && _stackVars.TryGetValue(current, out var held) && held.Name == types[i].Name && !names.Contains(current))
            {
                names.Add(current);
                continue;
            }
            var baseName = StackVarName(i, types[i]);
            var n = _stackNameCount.GetValueOrDefault(baseName) + 1;
            _stackNameCount[baseName] = n;
            var name = n == 1 ? baseName : $"{baseName}_{n}";
            _stackVars.TryAdd(name, types[i]);
            names.Add(name);
        }
        _entryNames[target] = names;
        return names;
    }

    private readonly Dictionary<int, List<string>> _entryNames = new();
    private readonly Dictionary<string, int> _stackNameCount = new();

    private static string StackVarName(int depth, CType type)
    {
        var suffix = type.Kind switch
        {
            StackKind.I4 => "i32",
            StackKind.I8 => "i64",
            StackKind.Native => "nint",
            _ => Names.Identifier(type.Name.Replace("*", "ptr")),
        };
        return $"stk{depth}_{suffix}";
    }

    private static CType CanonicalStackType(CType t) => t.Kind switch
    {
        StackKind.I4 => CType.I32,
        StackKind.I8 => CType.I64,
        StackKind.Native => CType.NInt,
        _ => t,
    };

    /// <summary>Moves the stack into the canonical variables a join point at <paramref name="target"/> expects.</summary>
    private void FlushStackTo(int target)
    {
        if (_stack.Count == 0)
        {
            if (_entryStacks.TryGetValue(target, out var expected) && expected.Count > 0)
                throw new CompileError(ErrorCodes.UnsupportedStack, $"inconsistent stack depth at {Label(target)}");
            return;
        }
        if (!_entryStacks.TryGetValue(target, out var types))
        {
            types = _stack.Select(e => CanonicalStackType(e.Type)).ToList();
            _entryStacks[target] = types;
        }
        if (types.Count != _stack.Count)
            throw new CompileError(ErrorCodes.UnsupportedStack, $"inconsistent stack depth at {Label(target)}");
        var names = EntryNames(target, types);
        for (var i = 0; i < _stack.Count; i++)
        {
            if (_stack[i].Text != names[i])
            {
                // Parallel assignment: values still to be moved that read this variable are evaluated first.
                for (var k = i + 1; k < _stack.Count; k++)
                    if (_stack[k].Reads.Contains(names[i]) && _stack[k].Text != names[k])
                        _stack[k] = Materialize(_stack[k]) with { PendingCall = false };
                var value = CExprs.Coerce(_stack[i], types[i], assignment: true);
                Line($"{names[i]} = {value.Text};");
            }
            _stack[i] = Variable(names[i], types[i]);
        }
    }

    private void EnterLabel(Instruction ins)
    {
        if (_reachable)
            FlushStackTo(ins.Offset);
        _stack.Clear();
        if (_entryStacks.TryGetValue(ins.Offset, out var types))
        {
            var names = EntryNames(ins.Offset, types);
            for (var i = 0; i < types.Count; i++)
                _stack.Add(Variable(names[i], types[i]));
        }
        _stmts.Add(new LabelStmt(Label(ins.Offset)));
        _reachable = true;
    }

    private void Goto(Instruction target)
    {
        FlushStackTo(target.Offset);
        _stmts.Add(new GotoStmt(Label(target.Offset)));
        _reachable = false;
    }

    private void BranchIf(string condition, Instruction target, string? negated = null)
    {
        FlushStackTo(target.Offset);
        _stmts.Add(new BranchStmt(condition, negated ?? $"!({condition})", Label(target.Offset)));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private int ArgIndex(Instruction ins) => ins.OpCode.Code switch
    {
        Code.Ldarg_0 => 0,
        Code.Ldarg_1 => 1,
        Code.Ldarg_2 => 2,
        Code.Ldarg_3 => 3,
        _ => ((ParameterDefinition)ins.Operand).Index + (_m.Definition.HasThis ? 1 : 0),
    };

    private CompileError Error(string code, string message, Instruction? at = null) =>
        new CompileError(code, message).At(LocationOf(at ?? _current));

    public SourceLocation LocationOf(Instruction ins) => LocationOf(_m.Definition, ins);

    public static SourceLocation LocationOf(MethodDefinition def, Instruction ins)
    {
        string? file = null;
        var line = 0;
        var debug = def.DebugInformation;
        if (debug.HasSequencePoints)
        {
            SequencePoint? best = null;
            foreach (var sp in debug.SequencePoints)
                if (sp.Offset <= ins.Offset && !sp.IsHidden)
                    best = sp;
            best ??= debug.SequencePoints.FirstOrDefault(sp => !sp.IsHidden);
            if (best != null)
            {
                file = SourcePaths.Display(best.Document.Url);
                line = best.StartLine;
            }
        }
        return new SourceLocation($"{def.DeclaringType.FullName}::{def.Name}", ins.Offset, file, line);
    }

    /// <summary>The method's source file (display form and PDB document URL) and first line, or nulls.</summary>
    public (string? File, string? Url, int Line) SourceStart()
    {
        var sp = _m.Definition.DebugInformation.SequencePoints.FirstOrDefault(s => !s.IsHidden);
        return sp == null ? (null, null, 0) : (SourcePaths.Display(sp.Document.Url), sp.Document.Url, sp.StartLine);
    }

    /// <summary>The first source line of the method, for the comment above the C function.</summary>
    public string? SourceLine()
    {
        var sp = _m.Definition.DebugInformation.SequencePoints.FirstOrDefault(s => !s.IsHidden);
        return sp == null ? null : $"{SourcePaths.Display(sp.Document.Url)}:{sp.StartLine}";
    }
}

/// <summary>PDB document paths as they should appear in messages and comments (no machine-specific prefix).</summary>
public static class SourcePaths
{
    public static string Display(string url)
    {
        var path = url.Replace('\\', '/');
        if (path.StartsWith("/_/", StringComparison.Ordinal))
            return path.Substring(3);
        return path;
    }
}
