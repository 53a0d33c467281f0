using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0007: state machines in kernel code — async methods and async local functions (reported at their name;
/// their awaits, 'await foreach' and 'await using' are not reported again), and each yield return/yield break
/// of an iterator. Async lambdas are lambdas (OVD0005).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AsyncAndIterators);

    private protected override void Register(Registrar registrar)
    {
        registrar.Symbol(AnalyzeMethod, SymbolKind.Method);
        registrar.Operation(AnalyzeOperation, OperationKind.LocalFunction, OperationKind.YieldReturn, OperationKind.YieldBreak);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.IsAsync && !method.Locations.IsEmpty)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncAndIterators, method.Locations[0], $"async method '{method.Name}'"));
    }

    private static void AnalyzeOperation(OperationAnalysisContext context)
    {
        switch (context.Operation)
        {
            case ILocalFunctionOperation { Symbol: { IsAsync: true } function } local:
                var location = function.Locations.IsEmpty ? local.Syntax.GetLocation() : function.Locations[0];
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncAndIterators, location, $"async local function '{function.Name}'"));
                break;
            case IReturnOperation @return:
                var what = @return.Kind == OperationKind.YieldBreak ? "iterator 'yield break'" : "iterator 'yield return'";
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AsyncAndIterators, @return.Syntax.GetLocation(), what));
                break;
        }
    }
}
