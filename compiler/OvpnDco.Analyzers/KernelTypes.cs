using System.Text;
using Microsoft.CodeAnalysis;

namespace OvpnDco.Analyzers;

/// <summary>Type and symbol facts the rules share.</summary>
internal static class KernelTypes
{
    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.MinimallyQualifiedFormat;

    /// <summary>A type as C# users write it: 'int', 'Span&lt;byte&gt;', 'Peer'.</summary>
    public static string Display(ITypeSymbol? type) => type is null ? "?" : type.ToDisplayString(Format);

    /// <summary>'Type.Member' for a member.</summary>
    public static string Display(ISymbol member) =>
        member.ContainingType is { } t ? Display(t) + "." + member.Name : member.Name;

    /// <summary>float, double, decimal, System.Half, System.Runtime.InteropServices.NFloat.</summary>
    public static bool IsFloatingPoint(ITypeSymbol? type)
    {
        if (type is null)
            return false;
        switch (type.SpecialType)
        {
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                return true;
        }
        return type is INamedTypeSymbol { Name: "Half" or "NFloat", ContainingType: null } named
               && named.ContainingNamespace?.ToDisplayString() is "System" or "System.Runtime.InteropServices";
    }

    /// <summary>Floating point anywhere in the type: double, double*, double[], Span&lt;double&gt;, (int, float).</summary>
    public static bool ContainsFloatingPoint(ITypeSymbol? type) => ContainsFloatingPoint(type, 0);

    private static bool ContainsFloatingPoint(ITypeSymbol? type, int depth)
    {
        if (type is null || depth > 16)
            return false;
        if (IsFloatingPoint(type))
            return true;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return ContainsFloatingPoint(array.ElementType, depth + 1);
            case IPointerTypeSymbol pointer:
                return ContainsFloatingPoint(pointer.PointedAtType, depth + 1);
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                    if (ContainsFloatingPoint(argument, depth + 1))
                        return true;
                return false;
            default:
                return false;
        }
    }

    public static bool IsString(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_String;

    /// <summary>System.Type and anything in System.Reflection (and its sub-namespaces).</summary>
    public static bool IsReflectionType(ITypeSymbol? type)
    {
        if (type is null)
            return false;
        if (type is INamedTypeSymbol { Name: "Type" or "Activator" or "TypeInfo" } t
            && t.ContainingNamespace?.ToDisplayString() == "System")
            return true;
        return IsInNamespace(type, "System.Reflection");
    }

    /// <summary>True when the type (or its outermost containing type) lives in the namespace or one of its children.</summary>
    public static bool IsInNamespace(ISymbol symbol, string ns)
    {
        var name = symbol.ContainingNamespace?.ToDisplayString();
        return name is not null && (name == ns || name.StartsWith(ns + ".", System.StringComparison.Ordinal));
    }

    /// <summary>Element types that may form a constant data table: integers, bool, char and enums.</summary>
    public static bool IsConstantTableElement(ITypeSymbol? type)
    {
        if (type is null)
            return false;
        if (type.TypeKind == TypeKind.Enum)
            return true;
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A one-dimensional array of a constant table element type: byte[], uint[], MyEnum[].</summary>
    public static bool IsConstantTableArray(ITypeSymbol? type) =>
        type is IArrayTypeSymbol { IsSZArray: true } array && IsConstantTableElement(array.ElementType);

    public static bool IsReadOnlySpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "ReadOnlySpan", Arity: 1, ContainingType: null } named
        && named.ContainingNamespace?.ToDisplayString() == "System";

    /// <summary>A type parameter that is known to be a value type after monomorphization.</summary>
    public static bool IsValueTypeParameter(ITypeSymbol? type) =>
        type is ITypeParameterSymbol { HasValueTypeConstraint: true } or ITypeParameterSymbol { HasUnmanagedTypeConstraint: true };

    /// <summary>A value type that is not a type parameter (struct, enum, nullable, ref struct).</summary>
    public static bool IsConcreteValueType(ITypeSymbol? type) =>
        type is not null and not ITypeParameterSymbol && type.IsValueType;

    /// <summary>The source text of a node on one line, shortened to a readable length, for messages.</summary>
    public static string Snippet(SyntaxNode node, int max = 48)
    {
        var text = node.ToString();
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        if (builder.Length > max)
        {
            builder.Length = max - 3;
            builder.Append("...");
        }
        return builder.ToString();
    }
}
