using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0005: lambdas, anonymous methods, local functions that capture locals, parameters or 'this', delegate
/// creation from method groups, delegate invocation, event subscription, and declarations of delegate types and
/// events in kernel code. Delegate-typed fields/locals/parameters are reported by <see cref="StorageAnalyzer"/>.
/// Allowed: function pointers (<c>delegate*</c>, <c>delegate* unmanaged</c>, <c>&amp;Method</c>) and local
/// functions that capture nothing (static or not): they compile to plain methods.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DelegateAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Delegates);

    private protected override void Register(Registrar registrar)
    {
        registrar.Operation(AnalyzeOperation,
            OperationKind.AnonymousFunction, OperationKind.DelegateCreation, OperationKind.LocalFunction,
            OperationKind.Invocation, OperationKind.EventAssignment);
        registrar.Symbol(AnalyzeSymbol, SymbolKind.NamedType, SymbolKind.Event);
    }

    private static void Report(OperationAnalysisContext context, Location location, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.Delegates, location, what));

    private static void AnalyzeOperation(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        switch (operation)
        {
            case IAnonymousFunctionOperation { IsImplicit: true }:
                break; // a query clause: the query is OVD0006
            case IAnonymousFunctionOperation function:
                Report(context, operation.Syntax.GetLocation(),
                    operation.Syntax is AnonymousMethodExpressionSyntax ? "anonymous method" : function.Symbol.IsAsync ? "async lambda" : "lambda");
                break;
            case IDelegateCreationOperation creation when creation.Target is not IAnonymousFunctionOperation:
                var target = creation.Target is IMethodReferenceOperation reference ? $" from method group '{reference.Method.Name}'" : "";
                Report(context, operation.Syntax.GetLocation(),
                    $"creation of delegate '{KernelTypes.Display(creation.Type)}'{target}");
                break;
            case ILocalFunctionOperation local when FirstCapture(local) is { } captured:
                var at = local.Symbol.Locations.IsEmpty ? operation.Syntax.GetLocation() : local.Symbol.Locations[0];
                Report(context, at, $"local function '{local.Symbol.Name}' capturing '{captured}'");
                break;
            case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invocation:
                Report(context, operation.Syntax.GetLocation(),
                    $"invocation of delegate '{KernelTypes.Display(invocation.TargetMethod.ContainingType)}'");
                break;
            case IEventAssignmentOperation assignment:
                var name = assignment.EventReference is IEventReferenceOperation e ? e.Event.Name : "?";
                Report(context, operation.Syntax.GetLocation(), $"event {(assignment.Adds ? "subscription" : "unsubscription")} '{name}'");
                break;
        }
    }

    private static void AnalyzeSymbol(SymbolAnalysisContext context)
    {
        var symbol = context.Symbol;
        if (symbol.IsImplicitlyDeclared || symbol.Locations.IsEmpty)
            return;
        string? what = symbol switch
        {
            INamedTypeSymbol { TypeKind: TypeKind.Delegate } => $"delegate type '{symbol.Name}'",
            IEventSymbol => $"event '{symbol.Name}'",
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Delegates, symbol.Locations[0], what));
    }

    /// <summary>The name of the first variable declared outside the local function that its body uses, or null.</summary>
    private static string? FirstCapture(ILocalFunctionOperation local)
    {
        var function = local.Symbol;
        if (function.IsStatic)
            return null; // the C# compiler already refuses captures in static local functions
        var body = (IOperation?)local.Body ?? local.IgnoredBody;
        if (body is null)
            return null;
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation reference when !IsDeclaredWithin(reference.Local, function):
                    return reference.Local.Name;
                case IParameterReferenceOperation reference when !IsDeclaredWithin(reference.Parameter, function):
                    return reference.Parameter.Name;
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return "this";
            }
        }
        return null;
    }

    private static bool IsDeclaredWithin(ISymbol symbol, IMethodSymbol function)
    {
        for (var s = symbol.ContainingSymbol; s is not null; s = s.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(s, function))
                return true;
            if (s is INamedTypeSymbol or INamespaceSymbol)
                return false;
        }
        return false;
    }
}
