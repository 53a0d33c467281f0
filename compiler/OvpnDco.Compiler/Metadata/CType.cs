using System.Collections.Generic;

namespace OvpnDco.Compiler.Metadata;

/// <summary>How a value travels on the IL evaluation stack (ECMA-335 I.12.3.2.1), floats excluded.</summary>
public enum StackKind
{
    Void,
    I4,
    I8,
    Native,
    Pointer,
    Struct,
}

/// <summary>A C type as the emitter spells it, with what lowering needs to know about it.</summary>
public sealed record CType
{
    private CType(string name, StackKind kind, int size, bool unsigned, CType? pointee, string? primitive)
    {
        Name = name;
        Kind = kind;
        Size = size;
        Unsigned = unsigned;
        Pointee = pointee;
        Primitive = primitive;
    }

    /// <summary>C spelling, e.g. <c>uint32_t</c>, <c>OvpnDco_Peer</c>, <c>uint8_t *</c>.</summary>
    public string Name { get; }

    public StackKind Kind { get; }

    /// <summary>Size in bytes when known at compile time (0 for void, -1 when target-dependent).</summary>
    public int Size { get; }

    public bool Unsigned { get; }

    /// <summary>For pointers: what they point at (null for <c>void *</c>).</summary>
    public CType? Pointee { get; }

    /// <summary>The primitive behind an integer typedef (enums map to their underlying type).</summary>
    public string? Primitive { get; }

    public bool IsInteger => Primitive != null;

    public bool IsPointer => Kind == StackKind.Pointer;

    public bool IsBool => Primitive == "bool";

    /// <summary>Span-like struct: element type when this is Span/ReadOnlySpan.</summary>
    public CType? SpanElement { get; init; }

    /// <summary>Alignment of a struct when its size is known (-1 otherwise).</summary>
    public int Align { get; init; } = -1;

    /// <summary>For an enum: the C constant that names each member value (first member wins on equal values).</summary>
    public IReadOnlyDictionary<long, string>? EnumNames { get; init; }

    /// <summary>A type a header defines ([ExternType]): spelled by its C name, never defined by us, layout unknown.</summary>
    public bool IsExtern { get; init; }

    /// <summary>A struct whose C definition is a fixed buffer (<c>T FixedElementField[n]</c>).</summary>
    public bool IsFixedBuffer { get; init; }

    public string Declare(string variable) => Name.EndsWith('*') ? Name + variable : Name + " " + variable;

    public override string ToString() => Name;

    public static readonly CType Void = new("void", StackKind.Void, 0, false, null, null);
    public static readonly CType Bool = Int("bool", 1, true);
    public static readonly CType I8 = Int("int8_t", 1, false);
    public static readonly CType U8 = Int("uint8_t", 1, true);
    public static readonly CType I16 = Int("int16_t", 2, false);
    public static readonly CType U16 = Int("uint16_t", 2, true);
    public static readonly CType I32 = Int("int32_t", 4, false);
    public static readonly CType U32 = Int("uint32_t", 4, true);
    public static readonly CType I64 = Int("int64_t", 8, false);
    public static readonly CType U64 = Int("uint64_t", 8, true);
    public static readonly CType NInt = Int("intptr_t", -1, false);
    public static readonly CType NUInt = Int("uintptr_t", -1, true);
    public static readonly CType VoidPtr = new("void *", StackKind.Pointer, -1, true, null, null);
    public static readonly CType ConstCharPtr = new("const char *", StackKind.Pointer, -1, true, null, null);

    private static CType Int(string name, int size, bool unsigned) =>
        new(name, size == 8 ? StackKind.I8 : size == -1 ? StackKind.Native : StackKind.I4, size, unsigned, null, name);

    public static CType PointerTo(CType pointee) =>
        pointee == Void ? VoidPtr : new CType(pointee.Name.EndsWith('*') ? pointee.Name + "*" : pointee.Name + " *",
            StackKind.Pointer, -1, true, pointee, null);

    public static CType Struct(string name, int size, CType? spanElement = null, bool fixedBuffer = false) =>
        new(name, StackKind.Struct, size, false, null, null) { SpanElement = spanElement, IsFixedBuffer = fixedBuffer };

    /// <summary>A typedef of an integer type (enums): same behaviour, its own name.</summary>
    public static CType Alias(string name, CType underlying) =>
        new(name, underlying.Kind, underlying.Size, underlying.Unsigned, null, underlying.Primitive);

    /// <summary>A function pointer typedef.</summary>
    public static CType FunctionPointer(string typedefName) =>
        new(typedefName, StackKind.Pointer, -1, true, null, null);

    /// <summary>The signed or unsigned integer type of the same width.</summary>
    public CType WithSign(bool unsigned) => (Primitive, unsigned) switch
    {
        ("int8_t" or "uint8_t", false) => I8,
        ("int8_t" or "uint8_t" or "bool", true) => U8,
        ("int16_t" or "uint16_t", false) => I16,
        ("int16_t" or "uint16_t", true) => U16,
        ("int32_t" or "uint32_t", false) => I32,
        ("int32_t" or "uint32_t", true) => U32,
        ("int64_t" or "uint64_t", false) => I64,
        ("int64_t" or "uint64_t", true) => U64,
        ("intptr_t" or "uintptr_t", false) => NInt,
        ("intptr_t" or "uintptr_t", true) => NUInt,
        _ => this,
    };
}
