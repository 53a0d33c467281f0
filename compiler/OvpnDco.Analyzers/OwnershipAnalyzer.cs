using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0015: a field holds a raw pointer (or a ref) to a struct marked <c>[OwnedBy(typeof(Owner))]</c> outside its
/// owner. Such structs are freed explicitly while others still name them (a deleted peer); a pointer kept in a
/// long-lived struct is a use-after-free waiting to happen. Everything but the owner keeps a generation-checked
/// handle; locals and parameters may hold the pointer for the duration of one entry point.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OwnershipAnalyzer : KernelAnalyzer
{
    private const string OwnedByAttribute = "OvpnDco.Runtime.OwnedByAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RawOwnedPointer);

    private protected override void Register(Registrar registrar) => registrar.Symbol(Analyze, SymbolKind.Field);

    private static void Analyze(SymbolAnalysisContext context)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (field.Locations.IsEmpty || field.IsImplicitlyDeclared)
            return;
        ITypeSymbol type = field.Type;
        bool indirect = field.RefKind != RefKind.None;
        for (int depth = 0; type is IPointerTypeSymbol pointer && depth < 16; depth++)
        {
            type = pointer.PointedAtType;
            indirect = true;
        }
        if (!indirect || type is not INamedTypeSymbol pointee)
            return;
        var owner = OwnerOf(pointee);
        if (owner is null || SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, owner.OriginalDefinition))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.RawOwnedPointer, field.Locations[0],
            $"raw pointer field '{field.Name}'", pointee.Name, owner.Name));
    }

    private static INamedTypeSymbol? OwnerOf(INamedTypeSymbol type)
    {
        foreach (var attribute in type.OriginalDefinition.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == OwnedByAttribute
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol owner)
                return owner;
        }
        return null;
    }
}
