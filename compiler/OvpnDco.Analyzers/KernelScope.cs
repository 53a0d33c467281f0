using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// Decides which code is kernel code: code is kernel code when its method (or an enclosing method, for local
/// functions), its containing type or any outer type, or its assembly carries
/// <c>OvpnDco.Runtime.KernelCodeAttribute</c>. The attribute is matched by full metadata name, so the analyzer
/// does not reference the runtime assembly. One instance per compilation; thread-safe.
/// </summary>
internal sealed class KernelScope
{
    private const string AttributeNamespace = "OvpnDco.Runtime";
    private const string AttributeName = "KernelCodeAttribute";

    private readonly bool _assemblyIsKernel;
    private readonly ConcurrentDictionary<ISymbol, bool> _cache = new(SymbolEqualityComparer.Default);

    private KernelScope(bool assemblyIsKernel) => _assemblyIsKernel = assemblyIsKernel;

    /// <summary>The scope of <paramref name="compilation"/>, or null when it cannot contain kernel code at all.</summary>
    public static KernelScope? TryCreate(Compilation compilation)
    {
        if (compilation.GetTypesByMetadataName(AttributeNamespace + "." + AttributeName).IsEmpty)
            return null;
        return new KernelScope(HasKernelAttribute(compilation.Assembly.GetAttributes()));
    }

    /// <summary>True when <paramref name="symbol"/> (a method, type, field, property, event...) is kernel code.</summary>
    public bool IsKernel(ISymbol? symbol)
    {
        if (_assemblyIsKernel)
            return true;
        if (symbol is null)
            return false;
        return _cache.GetOrAdd(symbol, static s => Compute(s));
    }

    private static bool Compute(ISymbol symbol)
    {
        for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
        {
            if (s is IMethodSymbol or INamedTypeSymbol && HasKernelAttribute(s.GetAttributes()))
                return true;
            // A property or event accessor inherits from its property/event, which lives in the type.
        }
        return false;
    }

    /// <summary>
    /// The body of an <c>[Import]</c> method (the compiler calls the C function instead; the body is what .NET runs,
    /// e.g. a trace event formatting its line) and a <c>[TraceSink]</c> (reached only from such bodies) never become C.
    /// </summary>
    internal static bool IsManagedOnly(ISymbol symbol)
    {
        for (var s = symbol; s is IMethodSymbol method; s = s.ContainingSymbol)
        {
            foreach (var attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ImportAttribute" or "TraceSinkAttribute", ContainingType: null } type
                    && type.ContainingNamespace?.ToDisplayString() == AttributeNamespace)
                    return true;
            }
        }
        return false;
    }

    private static bool HasKernelAttribute(ImmutableArray<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            var type = attribute.AttributeClass;
            if (type is { Name: AttributeName, ContainingType: null }
                && type.ContainingNamespace?.ToDisplayString() == AttributeNamespace)
                return true;
        }
        return false;
    }

    /// <summary>
    /// True when an operation action should look at <paramref name="operation"/>: it belongs to kernel code and is
    /// not part of an attribute application (attribute arguments are metadata, not code).
    /// </summary>
    public bool ShouldAnalyze(IOperation operation, ISymbol containingSymbol)
    {
        if (!IsKernel(containingSymbol) || IsManagedOnly(containingSymbol))
            return false;
        for (var o = operation; o is not null; o = o.Parent)
        {
            if (o is IAttributeOperation)
                return false;
        }
        return true;
    }
}
