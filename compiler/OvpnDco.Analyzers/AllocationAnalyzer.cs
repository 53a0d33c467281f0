using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0002: heap allocation in kernel code — new of a class, new T() of a type parameter that may be a class,
/// arrays and array-typed collection expressions, anonymous objects, 'with' on record classes, implicit params
/// arrays. Allowed: stackalloc, new of structs, and constant tables the compiler lowers to const data:
/// <c>static readonly T[] table = { constants }</c> and <c>ReadOnlySpan&lt;T&gt; X =&gt; new T[] { constants }</c>
/// (T an integer type, bool, char or enum).
/// Boxing (OVD0003), strings (OVD0009) and closures/delegates (OVD0005) have their own rules.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocationAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ReferenceAllocation);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.ObjectCreation, OperationKind.TypeParameterObjectCreation, OperationKind.ArrayCreation,
        OperationKind.CollectionExpression, OperationKind.AnonymousObjectCreation, OperationKind.With);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = operation switch
        {
            IObjectCreationOperation { Type.IsReferenceType: true } creation =>
                $"allocation of reference type '{KernelTypes.Display(creation.Type)}'",
            ITypeParameterObjectCreationOperation creation when !KernelTypes.IsValueTypeParameter(creation.Type) =>
                $"'new {KernelTypes.Display(creation.Type)}()' of a type parameter that may be a reference type (constrain it with 'struct' or 'unmanaged')",
            IArrayCreationOperation array when IsConstantTable(array) => null,
            IArrayCreationOperation { IsImplicit: true, Parent: IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray } } array =>
                $"implicit 'params' array '{KernelTypes.Display(array.Type)}'",
            IArrayCreationOperation array => $"allocation of array '{KernelTypes.Display(array.Type)}'",
            ICollectionExpressionOperation { Type.IsReferenceType: true } collection when !IsConstantTable(collection) =>
                $"collection expression of type '{KernelTypes.Display(collection.Type)}'",
            IAnonymousObjectCreationOperation => "allocation of an anonymous object",
            IWithOperation { Type.IsReferenceType: true } with =>
                $"'with' copy of record class '{KernelTypes.Display(with.Type)}'",
            _ => null,
        };
        if (what is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ReferenceAllocation, operation.Syntax.GetLocation(), what));
    }

    /// <summary>An array of constants that the compiler turns into const data instead of a heap allocation.</summary>
    private static bool IsConstantTable(IArrayCreationOperation array)
    {
        if (!KernelTypes.IsConstantTableArray(array.Type) || array.Initializer is null || array.DimensionSizes.Length != 1)
            return false;
        if (!array.DimensionSizes[0].ConstantValue.HasValue)
            return false;
        foreach (var element in array.Initializer.ElementValues)
        {
            if (!element.ConstantValue.HasValue)
                return false;
        }
        return IsConstantTableContext(array);
    }

    private static bool IsConstantTable(ICollectionExpressionOperation collection)
    {
        if (!KernelTypes.IsConstantTableArray(collection.Type))
            return false;
        foreach (var element in collection.Elements)
        {
            if (element is ISpreadOperation || !element.ConstantValue.HasValue)
                return false;
        }
        return IsConstantTableContext(collection);
    }

    /// <summary>
    /// The array is converted straight to ReadOnlySpan&lt;T&gt; (Roslyn emits it as data: RVA static or
    /// RuntimeHelpers.CreateSpan), or it initializes a static readonly field (lowered to a const C array).
    /// </summary>
    private static bool IsConstantTableContext(IOperation creation)
    {
        var parent = creation.Parent;
        while (parent is IConversionOperation identity && SymbolEqualityComparer.Default.Equals(identity.Type, identity.Operand.Type))
            parent = identity.Parent;
        switch (parent)
        {
            case IConversionOperation conversion:
                return KernelTypes.IsReadOnlySpan(conversion.Type);
            case IFieldInitializerOperation initializer:
                if (initializer.InitializedFields.IsEmpty)
                    return false;
                foreach (var field in initializer.InitializedFields)
                {
                    if (!field.IsStatic || !field.IsReadOnly)
                        return false;
                }
                return true;
            default:
                return false;
        }
    }
}
