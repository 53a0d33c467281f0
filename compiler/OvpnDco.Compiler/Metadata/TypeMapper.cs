using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;

namespace OvpnDco.Compiler.Metadata;

/// <summary>
/// Maps closed CLR types to C types and collects the C definitions (struct layouts, span structs, enum and
/// function-pointer typedefs) that the emitted code needs, in an order C accepts.
/// </summary>
public sealed class TypeMapper
{
    private readonly Dictionary<string, CType> _cache = new();
    private readonly Dictionary<string, TypeDefinitionText> _definitions = new();

    /// <summary>
    /// Size and alignment of each struct for a 64-bit target (pointers and native ints 8 bytes), as .NET lays it out
    /// on x64/ARM64: the layout the C must reproduce when a struct holds pointers (its <see cref="CType.Size"/> is then -1).
    /// </summary>
    private readonly Dictionary<string, (int Size, int Align)> _layout64 = new(StringComparer.Ordinal);

    /// <summary>A C definition and the names of the types it needs complete before it.</summary>
    public sealed record TypeDefinitionText(string Name, string Text, IReadOnlyList<string> ValueDependencies, bool IsStruct);

    public IEnumerable<TypeDefinitionText> Definitions => _definitions.Values;

    public CType Map(TypeReference type)
    {
        var key = TypeKeys.Of(type);
        if (_cache.TryGetValue(key, out var cached))
            return cached;
        var mapped = MapUncached(type);
        _cache[key] = mapped;
        return mapped;
    }

    private CType MapUncached(TypeReference type)
    {
        switch (type.MetadataType)
        {
            case MetadataType.Void: return CType.Void;
            case MetadataType.Boolean: return CType.Bool;
            case MetadataType.Char: return CType.U16;
            case MetadataType.SByte: return CType.I8;
            case MetadataType.Byte: return CType.U8;
            case MetadataType.Int16: return CType.I16;
            case MetadataType.UInt16: return CType.U16;
            case MetadataType.Int32: return CType.I32;
            case MetadataType.UInt32: return CType.U32;
            case MetadataType.Int64: return CType.I64;
            case MetadataType.UInt64: return CType.U64;
            case MetadataType.IntPtr: return CType.NInt;
            case MetadataType.UIntPtr: return CType.NUInt;
            case MetadataType.Single:
            case MetadataType.Double:
                throw new CompileError(ErrorCodes.FloatingPoint, $"floating point type '{type.Name}' is not supported in kernel code");
            case MetadataType.String:
                throw new CompileError(ErrorCodes.Strings, "strings are not supported in kernel code (only literals passed to tracing)");
            case MetadataType.Object:
                throw new CompileError(ErrorCodes.UnsupportedType, "'object' is not supported in kernel code");
        }

        switch (type)
        {
            case RequiredModifierType rm: return Map(rm.ElementType);
            case OptionalModifierType om: return Map(om.ElementType);
            case PinnedType pinned: return Map(pinned.ElementType);
            case PointerType ptr: return CType.PointerTo(Map(ptr.ElementType));
            case ByReferenceType byRef: return CType.PointerTo(Map(byRef.ElementType));
            case FunctionPointerType fp: return MapFunctionPointer(fp);
            case GenericParameter gp:
                throw new CompileError(ErrorCodes.UnsupportedType, $"open generic parameter '{gp.Name}' reached code generation");
            case ArrayType:
                throw new CompileError(ErrorCodes.ReferenceTypeAllocation,
                    $"array type '{type.FullName}' is not supported in kernel code (use Span<T>, stackalloc or a static readonly table)");
        }

        if (IsSpan(type, out var element, out var readOnly))
            return MapSpan(element!, readOnly);

        var def = Resolve(type);
        if (ExternTypes.Of(def) is { } externType)
            return MapExtern(type, def, externType);
        if (def.IsEnum)
        {
            var underlying = Map(def.Fields.First(f => !f.IsStatic).FieldType);
            var name = Names.Type(type);
            var (text, constants) = EnumDefinition(def, name, underlying);
            _definitions[name] = new TypeDefinitionText(name, text, Array.Empty<string>(), false);
            return CType.Alias(name, underlying) with { EnumNames = constants };
        }
        if (!def.IsValueType)
            throw new CompileError(ErrorCodes.UnsupportedType,
                $"reference type '{type.FullName}' cannot be used as a value in kernel code (use a struct)");
        return MapStruct(type, def);
    }

    private readonly SortedSet<string> _externHeaders = new(StringComparer.Ordinal);

    /// <summary>The headers that declare the [ExternType] types the code uses.</summary>
    public IEnumerable<string> ExternHeaders => _externHeaders;

    /// <summary>
    /// An [ExternType]: the header's type under its C name, with no definition of ours (so no layout assertion
    /// either; the header is the only layout). An enum is an integer typedef of its underlying type; a struct is an
    /// opaque value (a handle, or a structure whose fields are accessed by their C names).
    /// </summary>
    private CType MapExtern(TypeReference type, TypeDefinition def, (string CName, string? Header) externType)
    {
        if (string.IsNullOrWhiteSpace(externType.Header))
            throw new CompileError(ErrorCodes.BadExternType,
                $"extern type '{type.FullName}' ([ExternType(\"{externType.CName}\")]) names no header: set Header to the header that declares {externType.CName}");
        if (string.IsNullOrWhiteSpace(externType.CName) || externType.CName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or ' ' or '*')))
            throw new CompileError(ErrorCodes.BadExternType, $"extern type '{type.FullName}' has C name '{externType.CName}', which is not a C type name");
        if (type is GenericInstanceType || def.HasGenericParameters)
            throw new CompileError(ErrorCodes.BadExternType, $"extern type '{type.FullName}' must not be generic (a C type has one layout)");
        _externHeaders.Add(externType.Header);
        if (def.IsEnum)
        {
            // Members are the header's names (enumerators or macros: WdfIoQueueDispatchManual, POOL_FLAG_NON_PAGED) and
            // print as such; a misspelt one fails the C build.
            var underlying = Map(def.Fields.First(f => !f.IsStatic).FieldType);
            var names = new Dictionary<long, string>();
            foreach (var f in def.Fields.Where(f => f.IsStatic && f.HasConstant))
                names.TryAdd(Lowering.CExprs.Truncate(System.Convert.ToInt64(f.Constant is ulong u ? unchecked((long)u) : f.Constant,
                    System.Globalization.CultureInfo.InvariantCulture), underlying), f.Name);
            return CType.Alias(externType.CName, underlying) with { IsExtern = true, EnumNames = names };
        }
        if (!def.IsValueType)
            throw new CompileError(ErrorCodes.BadExternType, $"extern type '{type.FullName}' must be a struct or an enum");
        if (ExternTypes.IsHandle(def) && (def.Fields.Count(f => !f.IsStatic) != 1 || def.Fields.First(f => !f.IsStatic).FieldType.MetadataType != MetadataType.IntPtr))
            throw new CompileError(ErrorCodes.BadExternType, $"extern handle type '{type.FullName}' must have exactly one field, an nint (the pointer's value)");
        return CType.Struct(externType.CName, -1) with { IsExtern = true };
    }

    private readonly Dictionary<string, string> _enumConstantOwners = new(StringComparer.Ordinal);

    /// <summary>NTSTATUS member values → <c>STATUS_*</c> names, once the NtStatus enum is mapped.</summary>
    public IReadOnlyDictionary<long, string>? StatusNames { get; private set; }

    /// <summary>
    /// An enum: its typedef and one macro per member, <c>PREFIX_MEMBER</c> in upper snake case — NTSTATUS values
    /// under their ntstatus.h names (<c>STATUS_INVALID_PARAMETER</c>; guarded, the kernel headers define them too),
    /// others as <c>OVPN_TYPE_MEMBER</c> (the type's name qualified by its namespace only on a collision).
    /// [Flags] members and large values print in hex.
    /// </summary>
    private (string Text, IReadOnlyDictionary<long, string> Constants) EnumDefinition(TypeDefinition def, string name, CType underlying)
    {
        var isStatus = def.FullName == "OvpnDco.Runtime.Uapi.NtStatus";
        var flags = def.CustomAttributes.Any(a => a.AttributeType.FullName == "System.FlagsAttribute");
        var stem = Names.UpperSnake(def.Name.StartsWith("Ovpn", StringComparison.Ordinal) && def.Name.Length > 4 ? def.Name.Substring(4) : def.Name);
        var prefix = isStatus ? "STATUS_" : "OVPN_" + stem + "_";
        var members = def.Fields.Where(f => f.IsStatic && f.HasConstant).ToList();
        if (!isStatus && members.Any(f => _enumConstantOwners.TryGetValue(prefix + Names.UpperSnake(f.Name), out var owner) && owner != name))
            prefix = "OVPN_" + Names.UpperSnake(Names.Identifier(def.Namespace.Replace('.', '_')).Replace("_", "")) + "_" + stem + "_";
        var constants = new Dictionary<long, string>();
        var sb = new StringBuilder($"typedef {underlying.Name} {name};");
        foreach (var f in members)
        {
            var value = System.Convert.ToInt64(f.Constant is ulong u ? unchecked((long)u) : f.Constant, System.Globalization.CultureInfo.InvariantCulture);
            var constant = prefix + Names.UpperSnake(f.Name);
            _enumConstantOwners[constant] = name;
            constants.TryAdd(Lowering.CExprs.Truncate(value, underlying), constant);
            var literal = flags || isStatus || value is >= 0x10000 or < -0x10000
                ? Lowering.CExprs.HexLiteral(value, underlying)
                : Lowering.CExprs.Literal(value, underlying);
            // NTSTATUS names are guarded (the kernel headers may define them first); ours are not, so a clash is an error.
            sb.Append(isStatus
                ? $"\n#ifndef {constant}\n#define {constant} (({name}){literal})\n#endif"
                : $"\n#define {constant} (({name}){literal})");
        }
        if (isStatus)
            StatusNames = constants;
        return (sb.ToString(), constants);
    }

    public static TypeDefinition Resolve(TypeReference type)
    {
        TypeDefinition? def;
        try
        {
            def = type.Resolve();
        }
        catch (AssemblyResolutionException e)
        {
            throw new CompileError(ErrorCodes.UnresolvedMember, $"cannot resolve '{type.FullName}': {e.Message}");
        }
        return def ?? throw new CompileError(ErrorCodes.UnresolvedMember, $"cannot resolve type '{type.FullName}'");
    }

    public static bool IsSpan(TypeReference type, out TypeReference? element, out bool readOnly)
    {
        element = null;
        readOnly = false;
        if (type is GenericInstanceType git && git.ElementType.Namespace == "System" &&
            (git.ElementType.Name == "Span`1" || git.ElementType.Name == "ReadOnlySpan`1"))
        {
            element = git.GenericArguments[0];
            readOnly = git.ElementType.Name == "ReadOnlySpan`1";
            return true;
        }
        return false;
    }

    private CType MapSpan(TypeReference element, bool readOnly)
    {
        var elem = Map(element);
        var name = (readOnly ? "ReadOnlySpan_" : "Span_") + Names.Short(element);
        var text = $"struct {name} {{\n    {CType.PointerTo(elem).Declare("ptr")};\n    int32_t len;\n}};";
        _definitions[name] = new TypeDefinitionText(name, text, Array.Empty<string>(), true);
        _layout64[name] = (16, 8);
        return CType.Struct(name, -1, spanElement: elem);
    }

    private CType MapFunctionPointer(FunctionPointerType fp)
    {
        var ret = Map(fp.ReturnType);
        var parameters = fp.Parameters.Select(p => Map(p.ParameterType)).ToList();
        var convention = CallingConventions.Of(fp);
        var name = "fn_" + (convention.Length > 0 ? "stdcall_" : "") + Names.Short(fp.ReturnType) + (fp.Parameters.Count == 0 ? "" : "_" +
                   string.Join("_", fp.Parameters.Select(p => Names.Short(p.ParameterType))));
        name = ShortFunctionPointerName(name);
        var args = parameters.Count == 0 ? "void" : string.Join(", ", parameters.Select(p => p.Name));
        var text = $"typedef {ret.Name}{(ret.Name.EndsWith('*') ? "" : " ")}({convention}*{name})({args});";
        // Struct parameters need only their typedef names (declared first): a struct holding this pointer as a
        // field can then come after the typedef whatever it passes by value.
        _definitions[name] = new TypeDefinitionText(name, text, Array.Empty<string>(), false);
        return CType.FunctionPointer(name);
    }

    /// <summary>
    /// A function-pointer typedef named after its whole signature reads well while short (fn_void_WDFQUEUE); a WSK
    /// dispatch signature would give 112 characters. Past 40, the name keeps its start up to an underscore and ends in
    /// a stable hash of the whole (FNV-1a), so distinct signatures stay distinct; the typedef line shows the signature.
    /// </summary>
    private static string ShortFunctionPointerName(string name)
    {
        const int Max = 40;
        if (name.Length <= Max)
            return name;
        uint hash = 2166136261;
        foreach (var ch in name)
            hash = (hash ^ ch) * 16777619;
        var cut = name.LastIndexOf('_', Max - 10);
        var head = cut > 3 ? name[..cut] : name[..(Max - 10)];
        return $"{head}_{hash:x8}";
    }

    /// <summary>A compiler-generated <c>fixed T name[n]</c> buffer type.</summary>
    public static bool IsFixedBuffer(TypeDefinition def) =>
        def.IsValueType && def.Name.EndsWith("e__FixedBuffer", StringComparison.Ordinal) && def.Fields.Count(f => !f.IsStatic) == 1;

    private CType MapStruct(TypeReference type, TypeDefinition def)
    {
        var name = Names.Type(type);
        // A struct may point at itself (linked lists, trees): pointers only need its name, so a provisional entry
        // ends the recursion; the complete one replaces it when the layout is known.
        _cache[TypeKeys.Of(type)] = CType.Struct(name, -1);
        var ctx = GenericContext.OfType(type);
        var fields = def.Fields.Where(f => !f.IsStatic).ToList();
        var sb = new StringBuilder();
        var deps = new List<string>();

        if (IsFixedBuffer(def))
        {
            var elem = Map(ctx.Resolve(fields[0].FieldType));
            var count = elem.Size > 0 ? Math.Max(1, def.ClassSize / elem.Size) : 1;
            sb.Append($"struct {name} {{\n    {elem.Declare("FixedElementField")}[{count}];\n}};");
            _definitions[name] = new TypeDefinitionText(name, sb.ToString(), deps, true);
            var elem64 = Layout64(elem);
            if (elem64.Size > 0)
                _layout64[name] = (elem64.Size * count, elem64.Align);
            return CType.Struct(name, elem.Size > 0 ? elem.Size * count : -1, fixedBuffer: true) with { Align = elem.Size };
        }

        var mapped = fields.Select(f => (Field: f, Type: Map(ctx.Resolve(f.FieldType)))).ToList();
        deps.AddRange(mapped.Where(m => m.Type.Kind == StackKind.Struct && !m.Type.IsExtern).Select(m => m.Type.Name));
        var pack = def.PackingSize > 0 ? def.PackingSize : 0;
        if (pack > 0)
            sb.Append($"#pragma pack(push, {pack})\n");
        sb.Append($"struct {name} {{\n");
        if (def.IsExplicitLayout)
        {
            sb.Append("    union {\n");
            foreach (var (field, ftype) in mapped)
            {
                var decl = ftype.Declare(FieldName(field));
                sb.Append(field.Offset > 0
                    ? $"        struct {{ uint8_t {FieldName(field)}_at_{field.Offset}[{field.Offset}]; {decl}; }};\n"
                    : $"        {decl};\n");
            }
            if (def.ClassSize > 0)
                sb.Append($"        uint8_t size_{def.ClassSize}[{def.ClassSize}];\n");
            sb.Append("    };\n");
        }
        else
        {
            foreach (var (field, ftype) in mapped)
                sb.Append($"    {ftype.Declare(FieldName(field))};\n");
            if (mapped.Count == 0)
                sb.Append(def.ClassSize > 0 ? $"    uint8_t bytes[{def.ClassSize}];\n" : "    uint8_t empty;\n");
        }
        sb.Append("};");
        if (pack > 0)
            sb.Append("\n#pragma pack(pop)");

        var (size, align, _) = ComputeLayout(def, mapped.Select(m => (m.Type.Size, Alignment(m.Type))).ToList(), pack);
        if (!def.IsExplicitLayout && def.ClassSize > 0 && size > 0 && def.ClassSize > size)
            throw new CompileError(ErrorCodes.UnsupportedType,
                $"struct '{type.FullName}' sets Size={def.ClassSize} on a sequential layout; use explicit layout or fixed buffers");
        var (size64, align64, offsets64) = ComputeLayout(def, mapped.Select(m => Layout64(m.Type)).ToList(), pack);
        if (size64 > 0)
            _layout64[name] = (size64, align64);
        AppendLayoutAsserts(sb, name, type.FullName, mapped.Select(m => (FieldName(m.Field), m.Field.Name)).ToList(), size, size64, offsets64);
        _definitions[name] = new TypeDefinitionText(name, sb.ToString(), deps, true);
        return CType.Struct(name, size) with { Align = align };
    }

    public static string FieldName(FieldReference field)
    {
        if (ExternTypes.CNameOf(field) is { } cName)
            return cName;
        var n = field.Name;
        if (n.StartsWith('<') && n.EndsWith(">k__BackingField", StringComparison.Ordinal))
            n = n.Substring(1, n.IndexOf('>') - 1);
        return Names.Variable(n);
    }

    /// <summary>
    /// .NET's layout of a blittable struct from the sizes and alignments of its fields (-1 when one is unknown):
    /// size, alignment and the offset of each field (sequential: aligned in order, capped by Pack; explicit: FieldOffset).
    /// </summary>
    private static (int Size, int Align, int[] Offsets) ComputeLayout(TypeDefinition def, IReadOnlyList<(int Size, int Align)> fields, int pack)
    {
        if (fields.Any(f => f.Size < 0))
            return (-1, -1, Array.Empty<int>());
        var instanceFields = def.Fields.Where(f => !f.IsStatic).ToList();
        var offsets = new int[fields.Count];
        var maxAlign = 1;
        var end = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            var align = Math.Max(1, fields[i].Align);
            if (pack > 0)
                align = Math.Min(align, pack);
            maxAlign = Math.Max(maxAlign, align);
            if (def.IsExplicitLayout)
            {
                offsets[i] = instanceFields[i].Offset;
                end = Math.Max(end, offsets[i] + fields[i].Size);
                continue;
            }
            offsets[i] = (end + align - 1) / align * align;
            end = offsets[i] + fields[i].Size;
        }
        if (def.IsExplicitLayout && def.ClassSize > end)
            end = def.ClassSize;
        if (fields.Count == 0)
            end = Math.Max(1, def.ClassSize);
        return ((end + maxAlign - 1) / maxAlign * maxAlign, maxAlign, offsets);
    }

    private static int Alignment(CType t) => t.Kind == StackKind.Struct ? Math.Max(1, t.Align) : Math.Max(1, t.Size);

    /// <summary>Size and alignment of a field type on a 64-bit target (-1 when unknown).</summary>
    private (int Size, int Align) Layout64(CType t) => t.Kind switch
    {
        StackKind.Pointer or StackKind.Native => (8, 8),
        StackKind.Struct => t.Size > 0 && t.Align > 0 ? (t.Size, t.Align) : _layout64.TryGetValue(t.Name, out var l) ? l : (-1, -1),
        _ => (t.Size, Math.Max(1, t.Size)),
    };

    /// <summary>
    /// <c>_Static_assert</c>s that the C compiler lays the struct out as .NET does: its size and every field offset.
    /// A layout that does not depend on the pointer size is asserted on every target; one that does (pointers,
    /// native ints) is asserted where pointers are 8 bytes (x64, ARM64: the hosted build and the 64-bit kernels),
    /// which is what the managed tests that read native structs through the C# layout rely on. The message names the
    /// CLR type and field (as Cecil spells them) so a failure points at the C# source.
    /// </summary>
    private static void AppendLayoutAsserts(StringBuilder sb, string name, string clrName, IReadOnlyList<(string C, string Clr)> fields,
        int size, int size64, int[] offsets64)
    {
        if (size64 <= 0 && size <= 0)
            return;
        var guard = size > 0 ? "" : "sizeof(void *) != 8 || ";
        var message = size > 0 ? $"layout of {clrName} differs from .NET" : $"64-bit layout of {clrName} differs from .NET";
        sb.Append($"\n_Static_assert({guard}sizeof(struct {name}) == {(size > 0 ? size : size64)}, \"{message}\");");
        for (var i = 0; i < fields.Count && i < offsets64.Length; i++)
            sb.Append($"\n_Static_assert({guard}offsetof(struct {name}, {fields[i].C}) == {offsets64[i]}, \"{message}: field {fields[i].Clr}\");");
    }

    private static bool IsFieldless(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^struct \w+ \{\n    uint8_t (bytes\[\d+\]|empty);\n\};");

    /// <summary>
    /// Emission order: forward declarations of every struct, enum and function-pointer typedefs, then struct
    /// bodies so that a struct held by value comes before its holder. Ties break by name: deterministic.
    /// </summary>
    public IEnumerable<string> OrderedDefinitions(Func<string, bool>? isUsed = null)
    {
        var all = _definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        // A struct without fields (a platform type only named as a generic argument) that no code names is left out.
        all.RemoveAll(d => d.IsStruct && IsFieldless(d.Text) && isUsed != null &&
                           !isUsed(d.Name) && !all.Any(o => o != d && System.Text.RegularExpressions.Regex.IsMatch(o.Text, @"\b" + d.Name + @"\b")));
        foreach (var d in all.Where(d => d.IsStruct))
            yield return $"typedef struct {d.Name} {d.Name};";
        foreach (var d in all.Where(d => !d.IsStruct && d.ValueDependencies.Count == 0))
            yield return d.Text;
        var done = new HashSet<string>(all.Where(d => !d.IsStruct && d.ValueDependencies.Count == 0).Select(d => d.Name));
        var pending = all.Where(d => !done.Contains(d.Name)).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(d => d.ValueDependencies.All(done.Contains)) ?? pending[0];
            pending.Remove(ready);
            done.Add(ready.Name);
            yield return ready.Text;
        }
    }
}
