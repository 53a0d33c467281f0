using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0001: floating-point literals, operations and conversions in kernel code. The outermost floating-point
/// expression is reported once (not each of its operands); declarations of floating-point storage are
/// reported by <see cref="StorageAnalyzer"/>, so their initializers are not reported again.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FloatingPointAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.FloatingPoint);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze, AllOperationKinds);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        if (!InvolvesFloatingPoint(operation) || InvolvesFloatingPoint(Enclosing(operation)))
            return;
        switch (operation)
        {
            case IDeclarationExpressionOperation:
            case ILocalReferenceOperation { IsDeclaration: true }:
                return; // 'out double d': the local is reported by StorageAnalyzer
        }
        if (InitializesFloatingPointStorage(operation) || IsReturnedAsDeclared(operation, context.ContainingSymbol))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.FloatingPoint, operation.Syntax.GetLocation(), Describe(operation)));
    }

    /// <summary>The parent, looking through arguments: 'Math.Sqrt(n)' is one floating-point expression, not two.</summary>
    private static IOperation? Enclosing(IOperation operation)
    {
        var parent = operation.Parent;
        return parent is IArgumentOperation argument ? argument.Parent : parent;
    }

    /// <summary>
    /// The operation is the value returned by a method, property, local function or lambda whose return type is
    /// floating point: the declaration is the one diagnostic.
    /// </summary>
    private static bool IsReturnedAsDeclared(IOperation operation, ISymbol containing)
    {
        if (operation.Parent is not IReturnOperation { Kind: OperationKind.Return })
            return false;
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            switch (o)
            {
                case ILocalFunctionOperation local:
                    return KernelTypes.ContainsFloatingPoint(local.Symbol.ReturnType);
                case IAnonymousFunctionOperation lambda:
                    return KernelTypes.ContainsFloatingPoint(lambda.Symbol.ReturnType);
            }
        }
        return containing switch
        {
            IMethodSymbol method => KernelTypes.ContainsFloatingPoint(method.ReturnType),
            IPropertySymbol property => KernelTypes.ContainsFloatingPoint(property.Type),
            _ => false,
        };
    }

    /// <summary>The operation computes, converts or compares floating-point values.</summary>
    private static bool InvolvesFloatingPoint(IOperation? operation)
    {
        switch (operation)
        {
            case null:
                return false;
            case IConversionOperation conversion when KernelTypes.ContainsFloatingPoint(conversion.Operand.Type):
            case IBinaryOperation binary when KernelTypes.ContainsFloatingPoint(binary.LeftOperand.Type)
                                              || KernelTypes.ContainsFloatingPoint(binary.RightOperand.Type):
            case IUnaryOperation unary when KernelTypes.ContainsFloatingPoint(unary.Operand.Type):
                return true;
            case IInvocationOperation invocation:
                foreach (var argument in invocation.TargetMethod.TypeArguments)
                    if (KernelTypes.ContainsFloatingPoint(argument))
                        return true;
                break;
        }
        return KernelTypes.ContainsFloatingPoint(operation.Type);
    }

    /// <summary>The operation is the initializer of a field, property, local or parameter whose declared type is already reported.</summary>
    private static bool InitializesFloatingPointStorage(IOperation operation)
    {
        ITypeSymbol? declared = operation.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol.Type,
            IFieldInitializerOperation field when !field.InitializedFields.IsEmpty => field.InitializedFields[0].Type,
            IPropertyInitializerOperation property when !property.InitializedProperties.IsEmpty => property.InitializedProperties[0].Type,
            IParameterInitializerOperation parameter => parameter.Parameter.Type,
            _ => null,
        };
        return KernelTypes.ContainsFloatingPoint(declared);
    }

    private static string Describe(IOperation operation) => operation switch
    {
        ILiteralOperation literal => $"floating-point literal '{literal.Syntax}'",
        IConversionOperation conversion when KernelTypes.ContainsFloatingPoint(conversion.Operand.Type)
                                             && !SymbolEqualityComparer.Default.Equals(conversion.Operand.Type, conversion.Type) =>
            $"conversion from '{KernelTypes.Display(conversion.Operand.Type)}' to '{KernelTypes.Display(conversion.Type)}'",
        IBinaryOperation or IUnaryOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation =>
            $"floating-point arithmetic '{KernelTypes.Snippet(operation.Syntax)}'",
        IInvocationOperation invocation when !KernelTypes.ContainsFloatingPoint(invocation.Type) =>
            $"call of '{invocation.TargetMethod.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' with a floating-point type argument",
        _ => $"floating-point expression '{KernelTypes.Snippet(operation.Syntax)}' of type '{KernelTypes.Display(operation.Type)}'",
    };
}
