using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0009: strings that are not literals in kernel code — string-valued expressions without a compile-time
/// constant value (concatenation with a variable, non-constant interpolation, string-returning calls and
/// properties, string fields declared outside kernel code), comparisons of non-constant strings, and uses of
/// System.String members (Length, Substring, string.Empty, string.Format...). The outermost such expression is
/// reported once. String literals, const strings, constant interpolations and nameof are allowed wherever they
/// are passed (typically as tracing arguments) and so are UTF-8 literals ("..."u8).
/// String-typed locals, parameters, fields and returns are reported at their declaration by
/// <see cref="StorageAnalyzer"/>, so reading them is not reported again.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StringAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NonLiteralString);

    private protected override void Register(Registrar registrar)
    {
        var scope = registrar.Scope;
        registrar.Operation(context => Analyze(context, scope), AllOperationKinds);
    }

    private static void Analyze(OperationAnalysisContext context, KernelScope scope)
    {
        var operation = context.Operation;
        if (Describe(operation, scope) is not { } what || Describe(operation.Parent, scope) is not null)
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NonLiteralString, operation.Syntax.GetLocation(), what));
    }

    /// <summary>What is wrong with the operation, or null when it is not a non-literal string use.</summary>
    private static string? Describe(IOperation? operation, KernelScope scope)
    {
        switch (operation)
        {
            case null:
                return null;
            case IInvocationOperation invocation when IsStringMember(invocation.TargetMethod):
                return $"use of string member '{KernelTypes.Display(invocation.TargetMethod)}'";
            case IPropertyReferenceOperation property when IsStringMember(property.Property):
                return $"use of string member '{KernelTypes.Display(property.Property)}'";
            case IFieldReferenceOperation field when IsStringMember(field.Field):
                return $"use of string member '{KernelTypes.Display(field.Field)}'";
            case IMethodReferenceOperation method when IsStringMember(method.Method):
                return $"use of string member '{KernelTypes.Display(method.Method)}'";
            case IBinaryOperation binary when !binary.ConstantValue.HasValue
                                              && !KernelTypes.IsString(binary.Type)
                                              && (KernelTypes.IsString(binary.LeftOperand.Type) || KernelTypes.IsString(binary.RightOperand.Type)):
                return $"string comparison '{KernelTypes.Snippet(binary.Syntax)}'";
        }
        if (!KernelTypes.IsString(operation.Type) || operation.ConstantValue.HasValue)
            return null;
        switch (operation)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation or IDeclarationExpressionOperation:
            case ISimpleAssignmentOperation:
                return null; // the variable is reported at its declaration; a non-literal value on its own
            case IFieldReferenceOperation field when scope.IsKernel(field.Field) && !field.Field.IsImplicitlyDeclared:
                return null; // reported at the declaration
            case IInterpolatedStringOperation:
                return $"non-constant string interpolation '{KernelTypes.Snippet(operation.Syntax)}'";
            case IBinaryOperation:
                return $"string concatenation '{KernelTypes.Snippet(operation.Syntax)}'";
            case ILiteralOperation or IDefaultValueOperation or IConversionOperation { Operand.ConstantValue.HasValue: true }:
                return null;
            default:
                return $"non-literal string '{KernelTypes.Snippet(operation.Syntax)}'";
        }
    }

    private static bool IsStringMember(ISymbol member) => member.ContainingType?.SpecialType == SpecialType.System_String;
}
