using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Uapi;

/// <summary>Turns attributed symbols into plain models (and the diagnostics that need only one symbol).</summary>
internal static class UapiExtractor
{
    internal const string AttributeNamespace = "OvpnDco.Runtime.Uapi.";
    internal const string StructAttribute = AttributeNamespace + "UapiStructAttribute";
    internal const string UnionAttribute = AttributeNamespace + "UapiUnionAttribute";
    internal const string ExternalAttribute = AttributeNamespace + "UapiExternalAttribute";
    internal const string EnumAttribute = AttributeNamespace + "UapiEnumAttribute";
    internal const string IoctlAttribute = AttributeNamespace + "UapiIoctlAttribute";
    private const string NameAttribute = AttributeNamespace + "UapiNameAttribute";
    private const string TypeAttribute = AttributeNamespace + "UapiTypeAttribute";

    internal static readonly SymbolDisplayFormat FullName = SymbolDisplayFormat.FullyQualifiedFormat;

    public static TypeDecl ExtractStruct(INamedTypeSymbol type, AttributeData attribute, UapiKind kind)
    {
        var diagnostics = new List<DiagnosticInfo>();
        string cName = kind switch
        {
            UapiKind.Union => string.Empty,
            _ => attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty,
        };
        int externalAlign = kind == UapiKind.External && attribute.ConstructorArguments.Length > 1
            ? (int)(attribute.ConstructorArguments[1].Value ?? 1)
            : 0;

        bool explicitLayout = false;
        int declaredSize = -1;
        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() != "System.Runtime.InteropServices.StructLayoutAttribute")
                continue;
            if (a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is object layout)
                explicitLayout = System.Convert.ToInt32(layout, System.Globalization.CultureInfo.InvariantCulture) == 2;
            foreach (var named in a.NamedArguments)
            {
                if (named.Key == "Size" && named.Value.Value is int size)
                    declaredSize = size;
            }
        }

        var fields = new List<FieldDecl>();
        var missingOffsets = new List<string>();
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol field || field.IsStatic || field.IsConst || field.IsImplicitlyDeclared)
                continue;
            int offset = -1;
            string? uapiName = null;
            string? cType = null;
            foreach (var a in field.GetAttributes())
            {
                switch (a.AttributeClass?.ToDisplayString())
                {
                    case "System.Runtime.InteropServices.FieldOffsetAttribute":
                        if (a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is int o)
                            offset = o;
                        break;
                    case NameAttribute:
                        uapiName = a.ConstructorArguments.Length > 0 ? a.ConstructorArguments[0].Value as string : null;
                        break;
                    case TypeAttribute:
                        cType = a.ConstructorArguments.Length > 0 ? a.ConstructorArguments[0].Value as string : null;
                        break;
                }
            }
            if (offset < 0)
                missingOffsets.Add(field.Name);
            var location = LocationInfo.From(field);
            var fieldType = Classify(field, out string? problem);
            if (problem is not null && kind != UapiKind.External)
            {
                diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NotBlittable, location,
                    type.Name, field.Name, field.Type.ToDisplayString(), problem));
            }
            fields.Add(new FieldDecl(field.Name, uapiName, cType, fieldType, offset, location));
        }

        var typeLocation = LocationInfo.From(type);
        if (!explicitLayout)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NeedsExplicitLayout, typeLocation, type.Name,
                "it has no [StructLayout(LayoutKind.Explicit)] (the C# offsets are the ABI and must be written down)"));
        }
        else if (missingOffsets.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NeedsExplicitLayout, typeLocation, type.Name,
                "no [FieldOffset] on " + string.Join(", ", missingOffsets)));
        }

        if (kind == UapiKind.Union)
        {
            foreach (var f in fields)
            {
                if (f.Offset > 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadUnion, f.Location, type.Name, f.Name,
                        f.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }

        return new TypeDecl(kind, type.ToDisplayString(FullName), type.ToDisplayString(), cName, declaredSize, explicitLayout,
            externalAlign, fields.ToEquatableArray(), EquatableArray<EnumMemberDecl>.Empty, string.Empty, false, string.Empty,
            SourceOrder.From(type), typeLocation, diagnostics.ToEquatableArray());
    }

    public static TypeDecl ExtractEnum(INamedTypeSymbol type, AttributeData attribute)
    {
        var diagnostics = new List<DiagnosticInfo>();
        string cName = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
        string prefix = string.Empty;
        bool defines = false;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Prefix")
                prefix = named.Value.Value as string ?? string.Empty;
            else if (named.Key == "Defines" && named.Value.Value is bool b)
                defines = b;
        }

        var underlying = type.EnumUnderlyingType;
        string underlyingKeyword = underlying is null ? "int" : Keyword(underlying.SpecialType) ?? "int";
        if (!defines && underlying?.SpecialType != SpecialType.System_Int32)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadEnum, LocationInfo.From(type), type.Name,
                underlying?.ToDisplayString() ?? "?"));
        }

        var members = new List<EnumMemberDecl>();
        foreach (var member in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!member.HasConstantValue)
                continue;
            string? uapiName = null;
            foreach (var a in member.GetAttributes())
            {
                if (a.AttributeClass?.ToDisplayString() == NameAttribute && a.ConstructorArguments.Length > 0)
                    uapiName = a.ConstructorArguments[0].Value as string;
            }
            members.Add(new EnumMemberDecl(member.Name, uapiName, ToBits(member.ConstantValue)));
        }

        return new TypeDecl(UapiKind.Enum, type.ToDisplayString(FullName), type.ToDisplayString(), cName, -1, false, 0,
            EquatableArray<FieldDecl>.Empty, members.ToEquatableArray(), prefix, defines, underlyingKeyword,
            SourceOrder.From(type), LocationInfo.From(type), diagnostics.ToEquatableArray());
    }

    public static IoctlDecl ExtractIoctl(IFieldSymbol field, AttributeData attribute)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = LocationInfo.From(field);
        string cName = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
        int function = attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1].Value is int fn ? fn : 0;
        string? input = null, output = null;
        int modes = 3;
        bool unconfirmed = false;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Input":
                    input = (named.Value.Value as ITypeSymbol)?.ToDisplayString(FullName);
                    break;
                case "Output":
                    output = (named.Value.Value as ITypeSymbol)?.ToDisplayString(FullName);
                    break;
                case "Modes":
                    modes = named.Value.Value is int m ? m : modes;
                    break;
                case "Unconfirmed":
                    unconfirmed = named.Value.Value is true;
                    break;
            }
        }

        string display = field.ContainingType.Name + "." + field.Name;
        ulong value = 0;
        if (!field.IsConst || field.Type.SpecialType != SpecialType.System_UInt32)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadIoctlCode, location, display,
                "a [UapiIoctl] must be a 'const uint'"));
        }
        else
        {
            value = ToBits(field.ConstantValue);
            if (function < 1 || function > 0xFFF)
            {
                diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadIoctlCode, location, display,
                    $"function number {function} is outside 1..4095"));
            }
            else if (value != CtlCode(function))
            {
                diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadIoctlCode, location, display,
                    $"value 0x{value:X8} is not CTL_CODE(FILE_DEVICE_UNKNOWN, {function}, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x{CtlCode(function):X8}"));
            }
        }

        return new IoctlDecl(display, cName, function, value, input, output, modes, unconfirmed, SourceOrder.From(field),
            location, diagnostics.ToEquatableArray());
    }

    internal static ulong CtlCode(int function) => (0x22UL << 16) | ((ulong)(uint)function << 2);

    private static ulong ToBits(object? value) => value switch
    {
        sbyte v => unchecked((ulong)v),
        short v => unchecked((ulong)v),
        int v => unchecked((ulong)v),
        long v => unchecked((ulong)v),
        byte v => v,
        ushort v => v,
        uint v => v,
        ulong v => v,
        _ => 0,
    };

    internal static string? Keyword(SpecialType type) => type switch
    {
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        _ => null,
    };

    internal static int KeywordSize(string keyword) => keyword switch
    {
        "sbyte" or "byte" => 1,
        "short" or "ushort" => 2,
        "int" or "uint" => 4,
        _ => 8,
    };

    private static FieldType Classify(IFieldSymbol field, out string? problem)
    {
        problem = null;
        var type = field.Type;
        if (field.IsFixedSizeBuffer && type is IPointerTypeSymbol pointer)
        {
            string? element = Keyword(pointer.PointedAtType.SpecialType);
            if (element is null)
            {
                problem = "fixed buffers must hold sized integers";
                return Invalid(type);
            }
            return new FieldType(FieldKind.FixedBuffer, element, element, KeywordSize(element), field.FixedSize);
        }

        string? keyword = Keyword(type.SpecialType);
        if (keyword is not null)
            return new FieldType(FieldKind.Primitive, keyword, keyword, KeywordSize(keyword), 1);

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                problem = "bool has no fixed C size; use a byte or int";
                return Invalid(type);
            case SpecialType.System_Char:
                problem = "char is UTF-16 in C# and 1 byte in C; use ushort or byte";
                return Invalid(type);
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                problem = "floating point is not allowed in kernel code";
                return Invalid(type);
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                problem = "its size differs between x86 and x64; use int or long";
                return Invalid(type);
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            string underlying = Keyword(enumType.EnumUnderlyingType?.SpecialType ?? SpecialType.None) ?? "int";
            return new FieldType(FieldKind.Enum, type.ToDisplayString(FullName), underlying, KeywordSize(underlying), 1);
        }
        if (type.TypeKind == TypeKind.Pointer || type.TypeKind == TypeKind.FunctionPointer)
        {
            problem = "pointers differ in size between x86 and x64 and must not reach user space";
            return Invalid(type);
        }
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Struct } structType)
        {
            if (structType.IsGenericType)
            {
                problem = "generic structs have no C equivalent";
                return Invalid(type);
            }
            return new FieldType(FieldKind.Struct, type.ToDisplayString(FullName), string.Empty, 0, 1);
        }
        problem = type.IsReferenceType ? "it is a reference type (no GC memory crosses the boundary)" : "it has no C layout";
        return Invalid(type);
    }

    private static FieldType Invalid(ITypeSymbol type) => new(FieldKind.Invalid, type.ToDisplayString(), string.Empty, 0, 0);
}
