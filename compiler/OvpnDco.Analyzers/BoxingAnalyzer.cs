using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0003: boxing in kernel code — boxing conversions (value type or unconstrained type parameter to object,
/// ValueType, Enum or an interface, including into params object[] and Nullable&lt;T&gt;), calls of members that
/// object/ValueType/Enum declare on a struct or enum that does not override them (GetHashCode, Equals,
/// ToString, Enum.HasFlag...), and value types formatted in string interpolation.
/// Calling an interface method through a constrained type parameter (T : IFoo) does not box and is allowed.
/// GetType() is reflection (OVD0011).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BoxingAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Boxing);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.Conversion, OperationKind.Invocation, OperationKind.Interpolation, OperationKind.MethodReference);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = null;
        switch (operation)
        {
            case IConversionOperation conversion when conversion.Language == LanguageNames.CSharp
                                                      && conversion.GetConversion().IsBoxing:
                what = $"boxing of '{KernelTypes.Display(conversion.Operand.Type)}' to '{KernelTypes.Display(conversion.Type)}'";
                break;
            case IInvocationOperation invocation when IsBoxingCall(invocation.TargetMethod, invocation.Instance):
                what = $"call of '{KernelTypes.Display(invocation.TargetMethod)}' on value type '{KernelTypes.Display(invocation.Instance!.Type)}' that does not override it";
                break;
            case IMethodReferenceOperation reference when IsBoxingCall(reference.Method, reference.Instance):
                what = $"method group '{KernelTypes.Display(reference.Method)}' on value type '{KernelTypes.Display(reference.Instance!.Type)}'";
                break;
            case IInterpolationOperation interpolation
                when KernelTypes.IsConcreteValueType(interpolation.Expression.Type) || interpolation.Expression.Type is ITypeParameterSymbol:
                what = $"formatting of value type '{KernelTypes.Display(interpolation.Expression.Type)}' in string interpolation";
                break;
        }
        if (what is null)
            return;
        var syntax = operation is IInterpolationOperation hole ? hole.Expression.Syntax : operation.Syntax;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.Boxing, syntax.GetLocation(), what));
    }

    /// <summary>An instance member of object/ValueType/Enum called on a concrete value type boxes the receiver.</summary>
    private static bool IsBoxingCall(IMethodSymbol method, IOperation? instance)
    {
        if (method.IsStatic || instance is null || !KernelTypes.IsConcreteValueType(instance.Type))
            return false;
        if (method.Name == "GetType" && method.Parameters.IsEmpty)
            return false; // reflection, OVD0011
        return method.ContainingType?.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum;
    }
}
