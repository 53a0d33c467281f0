using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Emit;

/// <summary>A C global for a static field, a static table or a block of RVA data.</summary>
public sealed class StaticGlobal
{
    public required string Name { get; init; }
    public required CType Type { get; init; }
    public int? ArrayLength { get; init; }
    public CType? ElementType { get; init; }
    public bool IsRvaData { get; init; }
    public bool IsConstant { get; set; }
    public long[]? Values { get; init; }
    public long Scalar { get; init; }
}

/// <summary>
/// Static fields become C globals. Their initial values come from evaluating the type's static constructor at
/// compile time: constants, arrays from RVA data (static readonly tables become const arrays) and element
/// stores. A static constructor that does anything else is refused — kernel code has no type initializers.
/// </summary>
public sealed class StaticFields
{
    private readonly TypeMapper _types;
    private readonly Dictionary<string, StaticGlobal> _globals = new();
    private readonly Dictionary<string, Dictionary<string, object>> _cctorValues = new();
    private readonly HashSet<string> _written = new();

    public StaticFields(TypeMapper types) => _types = types;

    public void MarkWritten(string name) => _written.Add(name);

    public StaticGlobal Require(FieldDefinition def, TypeReference owner)
    {
        if (def.HasFieldRVA)
            return RvaData(def, CType.U8);
        var name = GlobalName(def, owner);
        if (_globals.TryGetValue(name, out var existing))
            return existing;
        var fieldType = GenericContext.OfType(owner).Resolve(def.FieldType);
        var values = CctorValues(owner);
        values.TryGetValue(def.Name, out var init);
        StaticGlobal global;
        if (fieldType is ArrayType array)
        {
            var elem = _types.Map(array.ElementType);
            if (init is not long[] items)
                throw new CompileError(ErrorCodes.StaticConstructor,
                    $"static array '{owner.Name}.{def.Name}' needs an initializer of constants (new T[] {{ ... }}) in kernel code");
            global = new StaticGlobal
            {
                Name = name, Type = CType.PointerTo(elem), ElementType = elem, ArrayLength = items.Length,
                Values = items, IsConstant = def.IsInitOnly,
            };
        }
        else
        {
            var type = _types.Map(fieldType);
            if (init is long[])
                throw new CompileError(ErrorCodes.StaticConstructor, $"array stored into non-array static '{def.Name}'");
            global = new StaticGlobal { Name = name, Type = type, Scalar = init is long v ? v : 0 };
        }
        _globals[name] = global;
        return global;
    }

    /// <summary>Which field each short global name stands for (a second type of the same name gets the long one).</summary>
    private readonly Dictionary<string, string> _shortNames = new();

    /// <summary>
    /// <c>KernelEntry.s_controlDevice</c> → <c>ovpn_kernel_entry_control_device</c>, named like the type's functions;
    /// a static of a generic instance, or a short name another type's field already has, keeps the qualified
    /// <c>Namespace_Type_field</c> name.
    /// </summary>
    private string GlobalName(FieldDefinition def, TypeReference owner)
    {
        var qualified = Names.Type(owner) + "_" + TypeMapper.FieldName(def);
        if (owner is GenericInstanceType || owner.HasGenericParameters)
            return qualified;
        var field = def.Name.StartsWith("s_", StringComparison.Ordinal) || def.Name.StartsWith("g_", StringComparison.Ordinal) ? def.Name[2..] : def.Name.TrimStart('_');
        var name = $"ovpn_{Names.Snake(Names.StripArity(owner.Name))}_{Names.Snake(field)}";
        var key = owner.FullName + "::" + def.Name;
        if (_shortNames.TryGetValue(name, out var holder) && holder != key ||
            def.DeclaringType.Methods.Any(m => Names.Snake(m.Name) == Names.Snake(field) || Names.Snake(m.Name) == "get_" + Names.Snake(field)))
            return qualified; // never the name of one of the type's functions
        _shortNames[name] = key;
        return name;
    }

    /// <summary>RVA data as a const array of <paramref name="element"/> (decoded little-endian).</summary>
    public StaticGlobal RvaData(FieldDefinition def, CType element)
    {
        var hash = Names.Identifier(def.Name);
        if (hash.Length > 16)
            hash = hash.Substring(0, 16);
        var name = $"static_data_{hash}" + (element.Size == 1 ? "" : "_" + element.Primitive!.Replace("_t", ""));
        if (_globals.TryGetValue(name, out var existing))
            return existing;
        var bytes = def.InitialValue;
        var size = Math.Max(1, element.Size);
        var values = new long[bytes.Length / size];
        for (var i = 0; i < values.Length; i++)
            values[i] = ReadLittleEndian(bytes, i * size, element);
        var global = new StaticGlobal
        {
            Name = name, Type = element, ElementType = element, ArrayLength = values.Length, Values = values,
            IsRvaData = true, IsConstant = true,
        };
        _globals[name] = global;
        return global;
    }

    private static long ReadLittleEndian(byte[] b, int at, CType t)
    {
        ulong v = 0;
        for (var k = t.Size - 1; k >= 0; k--)
            v = (v << 8) | b[at + k];
        return CExprs.Truncate((long)v, t);
    }

    private Dictionary<string, object> CctorValues(TypeReference owner)
    {
        var key = TypeKeys.Of(owner);
        if (_cctorValues.TryGetValue(key, out var cached))
            return cached;
        var values = new Dictionary<string, object>();
        _cctorValues[key] = values;
        var def = TypeMapper.Resolve(owner);
        var cctor = def.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic);
        if (cctor?.HasBody == true)
            Evaluate(cctor, owner, values);
        return values;
    }

    private sealed class ArrayValue
    {
        public required long[] Items;
        public required CType Element;
    }

    private void Evaluate(MethodDefinition cctor, TypeReference owner, Dictionary<string, object> values)
    {
        var stack = new Stack<object>();
        foreach (var ins in cctor.Body.Instructions)
        {
            CompileError Refuse(string what) => new CompileError(ErrorCodes.StaticConstructor,
                $"the static constructor of '{owner.FullName}' {what}; kernel code has no type initializers (only constants and constant tables)")
                .At(MethodLowering.LocationOf(cctor, ins));
            switch (ins.OpCode.Code)
            {
                case Code.Nop: break;
                case Code.Ret: return;
                case Code.Ldc_I4_M1: stack.Push(-1L); break;
                case >= Code.Ldc_I4_0 and <= Code.Ldc_I4_8: stack.Push((long)(ins.OpCode.Code - Code.Ldc_I4_0)); break;
                case Code.Ldc_I4_S: stack.Push((long)(sbyte)ins.Operand); break;
                case Code.Ldc_I4: stack.Push((long)(int)ins.Operand); break;
                case Code.Ldc_I8: stack.Push((long)ins.Operand); break;
                case Code.Conv_I8: case Code.Conv_I: case Code.Conv_U: break;
                case Code.Conv_U8: stack.Push((long)(uint)(long)stack.Pop()); break;
                case Code.Newarr:
                    var length = (long)stack.Pop();
                    stack.Push(new ArrayValue { Items = new long[length], Element = _types.Map((TypeReference)ins.Operand) });
                    break;
                case Code.Dup: stack.Push(stack.Peek()); break;
                case Code.Ldtoken when ins.Operand is FieldReference f && f.Resolve() is { HasFieldRVA: true } rva:
                    stack.Push(rva);
                    break;
                case Code.Call when ins.Operand is MethodReference { Name: "InitializeArray" }:
                    var data = (FieldDefinition)stack.Pop();
                    var target = (ArrayValue)stack.Pop();
                    var size = Math.Max(1, target.Element.Size);
                    for (var i = 0; i < target.Items.Length && (i + 1) * size <= data.InitialValue.Length; i++)
                        target.Items[i] = ReadLittleEndian(data.InitialValue, i * size, target.Element);
                    break;
                case >= Code.Stelem_I and <= Code.Stelem_Ref:
                case Code.Stelem_Any:
                    var value = stack.Pop();
                    var index = (long)stack.Pop();
                    var array = (ArrayValue)stack.Pop();
                    if (value is not long v)
                        throw Refuse("stores a non-constant element");
                    array.Items[index] = CExprs.Truncate(v, array.Element);
                    break;
                case Code.Stsfld:
                    var field = (FieldReference)ins.Operand;
                    var stored = stack.Pop();
                    values[field.Name] = stored is ArrayValue a ? a.Items : stored;
                    break;
                default:
                    throw Refuse($"runs '{ins.OpCode.Name}'");
            }
        }
    }

    /// <summary>Definitions of every global, sorted by name.</summary>
    public string Emit() => string.Concat(Definitions().Select(d => "static " + d.Definition));

    /// <summary>
    /// Each global's definition without its storage class (the writer makes it <c>static</c> in the one file that
    /// uses it, or gives it external linkage) and the matching <c>extern</c> declaration, sorted by name.
    /// </summary>
    public IEnumerable<(string Name, string Definition, string Declaration)> Definitions()
    {
        foreach (var g in _globals.Values.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            var sb = new StringBuilder();
            string declaration;
            if (g.ArrayLength is int n)
            {
                var constant = g.IsConstant && !_written.Contains(g.Name) ? "const " : "";
                var elem = g.ElementType!;
                var count = Math.Max(1, n);
                sb.Append($"{constant}{(g.IsRvaData ? "_Alignas(8) " : "")}{elem.Name} {g.Name}[{count}] = {{");
                declaration = $"extern {constant}{elem.Name} {g.Name}[{count}];";
                var items = g.Values!.Length == 0 ? new long[] { 0 } : g.Values!;
                for (var i = 0; i < items.Length; i++)
                {
                    sb.Append(i % 12 == 0 ? "\n    " : " ");
                    sb.Append(ElementLiteral(items[i], elem)).Append(i + 1 < items.Length ? "," : "");
                }
                sb.Append("\n};\n");
            }
            else
            {
                var init = g.Type.Kind switch
                {
                    StackKind.Struct => "{0}",
                    StackKind.Pointer => "NULL",
                    _ => CExprs.Literal(CExprs.Truncate(g.Scalar, g.Type), g.Type),
                };
                sb.Append($"{g.Type.Declare(g.Name)} = {init};\n");
                declaration = $"extern {g.Type.Declare(g.Name)};";
            }
            yield return (g.Name, sb.ToString(), declaration);
        }
    }

    private static string ElementLiteral(long v, CType t) =>
        t.Size == 1 && t.Unsigned ? "0x" + ((byte)v).ToString("x2", CultureInfo.InvariantCulture) : CExprs.Literal(v, t);
}
