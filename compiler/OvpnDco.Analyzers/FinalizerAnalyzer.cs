using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers;

/// <summary>OVD0010: finalizers (destructors) declared in kernel code.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FinalizerAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Finalizer);

    private protected override void Register(Registrar registrar) => registrar.Symbol(Analyze, SymbolKind.Method);

    private static void Analyze(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.MethodKind == MethodKind.Destructor && !method.Locations.IsEmpty)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Finalizer, method.Locations[0],
                $"finalizer '~{method.ContainingType.Name}'"));
    }
}
