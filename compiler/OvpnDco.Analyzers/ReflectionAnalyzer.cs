using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0011: reflection and dynamic in kernel code — typeof (except in a typeof(A) == typeof(B) or != comparison,
/// which the compiler folds to a constant after monomorphization), GetType(), members of System.Type,
/// System.Activator and System.Reflection.*, and every dynamic operation or conversion to dynamic.
/// Declarations of dynamic/Type-typed storage are reported by <see cref="StorageAnalyzer"/>.
/// Attribute arguments (typeof in [SomeAttribute(typeof(X))]) are metadata and are not analyzed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReflectionAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Reflection);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.TypeOf, OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.FieldReference,
        OperationKind.MethodReference, OperationKind.EventReference, OperationKind.ObjectCreation,
        OperationKind.DynamicInvocation, OperationKind.DynamicMemberReference, OperationKind.DynamicObjectCreation,
        OperationKind.DynamicIndexerAccess, OperationKind.Conversion);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = operation switch
        {
            ITypeOfOperation typeOf when !IsTypeComparison(typeOf) => $"typeof({KernelTypes.Display(typeOf.TypeOperand)})",
            IInvocationOperation { TargetMethod: { Name: "GetType", IsStatic: false, Parameters.IsEmpty: true } method }
                when method.ContainingType?.SpecialType == SpecialType.System_Object => "call of 'GetType()'",
            IInvocationOperation invocation when IsReflectionMember(invocation.TargetMethod) => Member(invocation.TargetMethod),
            IPropertyReferenceOperation property when IsReflectionMember(property.Property) => Member(property.Property),
            IFieldReferenceOperation field when IsReflectionMember(field.Field) => Member(field.Field),
            IMethodReferenceOperation method when IsReflectionMember(method.Method) => Member(method.Method),
            IEventReferenceOperation @event when IsReflectionMember(@event.Event) => Member(@event.Event),
            IObjectCreationOperation creation when KernelTypes.IsReflectionType(creation.Type) =>
                $"creation of reflection type '{KernelTypes.Display(creation.Type)}'",
            IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation
                or IDynamicIndexerAccessOperation when operation.Parent is not (IDynamicInvocationOperation or IDynamicMemberReferenceOperation) =>
                $"dynamic operation '{KernelTypes.Snippet(operation.Syntax)}'",
            IConversionOperation { Type: IDynamicTypeSymbol } conversion when conversion.Operand.Type is not IDynamicTypeSymbol
                && conversion.Parent is not (IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation) =>
                $"conversion of '{KernelTypes.Display(conversion.Operand.Type)}' to dynamic",
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.Reflection, operation.Syntax.GetLocation(), what));
    }

    private static string Member(ISymbol member) => $"use of reflection member '{KernelTypes.Display(member)}'";

    private static bool IsReflectionMember(ISymbol member) => KernelTypes.IsReflectionType(member.ContainingType);

    /// <summary>typeof(A) == typeof(B): a constant once generics are monomorphized.</summary>
    private static bool IsTypeComparison(ITypeOfOperation typeOf) =>
        typeOf.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
        && binary.LeftOperand is ITypeOfOperation && binary.RightOperand is ITypeOfOperation;
}
