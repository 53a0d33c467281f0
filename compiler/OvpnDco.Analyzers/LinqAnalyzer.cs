using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0006: LINQ in kernel code — query expressions (reported once, not per clause) and calls or method groups
/// of anything in System.Linq (Enumerable, Queryable, ParallelEnumerable, ...).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LinqAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Linq);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.TranslatedQuery, OperationKind.Invocation, OperationKind.MethodReference);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = operation switch
        {
            ITranslatedQueryOperation => "query expression",
            IInvocationOperation invocation when IsLinq(invocation.TargetMethod) && !InQuery(operation) =>
                $"call of '{KernelTypes.Display(invocation.TargetMethod)}'",
            IMethodReferenceOperation reference when IsLinq(reference.Method) =>
                $"method group '{KernelTypes.Display(reference.Method)}'",
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Linq, operation.Syntax.GetLocation(), what));
    }

    private static bool IsLinq(IMethodSymbol method) =>
        method.ContainingType is { } type && KernelTypes.IsInNamespace(type, "System.Linq");

    /// <summary>Calls the compiler made up for a query clause; the query is reported as a whole.</summary>
    private static bool InQuery(IOperation operation)
    {
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is ITranslatedQueryOperation)
                return operation.IsImplicit;
        }
        return false;
    }
}
