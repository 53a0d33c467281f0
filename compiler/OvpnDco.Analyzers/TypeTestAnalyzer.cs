using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0014: runtime type tests in kernel code — 'is T', 'as T', type/declaration/recursive patterns that narrow
/// to another type, explicit reference conversions (downcasts) and unboxing. Patterns on a value type that do
/// not change the type (<c>x is { Length: 4 }</c>, <c>n is int i</c> on an int, <c>nullable is int v</c>) are
/// allowed: they need no runtime type information.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TypeTestAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RuntimeTypeTest);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.IsType, OperationKind.DeclarationPattern, OperationKind.TypePattern, OperationKind.RecursivePattern,
        OperationKind.Conversion);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = operation switch
        {
            IIsTypeOperation isType when !IsNoOpNarrowing(isType.ValueOperand.Type, isType.TypeOperand) =>
                $"type test 'is {KernelTypes.Display(isType.TypeOperand)}'",
            IPatternOperation pattern when !IsNoOpNarrowing(pattern.InputType, pattern.NarrowedType) =>
                $"type pattern testing '{KernelTypes.Display(pattern.InputType)}' for '{KernelTypes.Display(pattern.NarrowedType)}'",
            IConversionOperation conversion => Cast(conversion),
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.RuntimeTypeTest, operation.Syntax.GetLocation(), what));
    }

    private static string? Cast(IConversionOperation conversion)
    {
        if (conversion.Language != LanguageNames.CSharp)
            return null;
        var info = conversion.GetConversion();
        var from = KernelTypes.Display(conversion.Operand.Type);
        var to = KernelTypes.Display(conversion.Type);
        if (conversion.IsTryCast && !info.IsIdentity)
            return $"'as {to}' cast from '{from}'";
        if (info.IsUnboxing)
            return $"unboxing of '{from}' to '{to}'";
        if (info.IsExplicit && info.IsReference)
            return $"downcast from '{from}' to '{to}'";
        return null;
    }

    /// <summary>The pattern or test cannot fail because of the runtime type: same type, or Nullable&lt;T&gt; to T.</summary>
    private static bool IsNoOpNarrowing(ITypeSymbol? input, ITypeSymbol? narrowed)
    {
        if (input is null || narrowed is null)
            return true;
        if (SymbolEqualityComparer.Default.Equals(input, narrowed))
            return true;
        return input is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
               && SymbolEqualityComparer.Default.Equals(nullable.TypeArguments[0], narrowed);
    }
}
