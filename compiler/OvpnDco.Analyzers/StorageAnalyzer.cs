using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// Declared types of storage in kernel code: fields, properties, method returns, parameters and locals.
/// One diagnostic per declaration, with the rule that fits the offending type best:
/// floating point (OVD0001), delegates (OVD0005), strings (OVD0009), dynamic/reflection types (OVD0011), any
/// other reference type — class, interface, object, array (OVD0013). Also OVD0013 for instance fields of classes
/// (kernel code has no heap objects to hold them).
/// Allowed: const strings; string parameters of methods without a body (extern/[Import], abstract and interface
/// members, partial definitions) and of managed-only methods (an [Import]'s .NET body, a [TraceSink]), because those
/// only receive literals from kernel call sites or never become C; static readonly
/// one-dimensional arrays of integers/bool/char/enums (constant tables).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StorageAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.FloatingPoint, Descriptors.Delegates, Descriptors.NonLiteralString, Descriptors.Reflection,
        Descriptors.ReferenceStorage);

    private protected override void Register(Registrar registrar)
    {
        registrar.Symbol(AnalyzeField, SymbolKind.Field);
        registrar.Symbol(AnalyzeProperty, SymbolKind.Property);
        registrar.Symbol(AnalyzeMethod, SymbolKind.Method);
        registrar.Symbol(AnalyzeType, SymbolKind.NamedType);
        registrar.Operation(AnalyzeLocalDeclaration,
            OperationKind.VariableDeclarator, OperationKind.DeclarationPattern, OperationKind.RecursivePattern,
            OperationKind.ListPattern, OperationKind.LocalReference, OperationKind.LocalFunction);
    }

    /// <summary>The rule a storage location of <paramref name="type"/> breaks, or null when the type is allowed.</summary>
    internal static DiagnosticDescriptor? Classify(ITypeSymbol? type, bool allowString) => Classify(type, allowString, 0);

    private static DiagnosticDescriptor? Classify(ITypeSymbol? type, bool allowString, int depth)
    {
        if (type is null or IErrorTypeSymbol || depth > 16)
            return null;
        if (KernelTypes.IsFloatingPoint(type))
            return Descriptors.FloatingPoint;
        switch (type)
        {
            case IDynamicTypeSymbol:
                return Descriptors.Reflection;
            case IPointerTypeSymbol pointer:
                return Classify(pointer.PointedAtType, false, depth + 1);
            case IFunctionPointerTypeSymbol or ITypeParameterSymbol:
                return null;
            case IArrayTypeSymbol array:
                // A float[] is still first of all an array; keep one diagnostic per declaration.
                return KernelTypes.ContainsFloatingPoint(array.ElementType) ? Descriptors.FloatingPoint : Descriptors.ReferenceStorage;
        }
        if (KernelTypes.IsString(type))
            return allowString ? null : Descriptors.NonLiteralString;
        if (type.TypeKind == TypeKind.Delegate)
            return Descriptors.Delegates;
        if (KernelTypes.IsReflectionType(type))
            return Descriptors.Reflection;
        if (type.IsReferenceType)
            return Descriptors.ReferenceStorage;
        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (Classify(argument, false, depth + 1) is { } rule)
                    return rule;
            }
        }
        return null;
    }

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor rule, ISymbol symbol, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(rule, Location(symbol), what));

    private static Location? Location(ISymbol symbol) => symbol.Locations.IsEmpty ? null : symbol.Locations[0];

    private static string Describe(string kind, ISymbol symbol, ITypeSymbol type) =>
        $"{kind} '{symbol.Name}' of type '{KernelTypes.Display(type)}'";

    private static void AnalyzeField(SymbolAnalysisContext context)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (field.IsImplicitlyDeclared || field.ContainingType?.TypeKind == TypeKind.Enum)
            return;
        if (field.IsConst && KernelTypes.IsString(field.Type))
            return;
        if (field.IsStatic && field.IsReadOnly && KernelTypes.IsConstantTableArray(field.Type))
            return; // constant table; its initializer is checked by OVD0002
        if (Classify(field.Type, allowString: false) is { } rule)
            Report(context, rule, field, Describe("field", field, field.Type));
    }

    private static void AnalyzeProperty(SymbolAnalysisContext context)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (property.IsImplicitlyDeclared)
            return;
        if (Classify(property.Type, allowString: false) is { } rule)
            Report(context, rule, property, Describe(property.IsIndexer ? "indexer" : "property", property, property.Type));
        AnalyzeParameters(context, property.Parameters, allowString: property.IsAbstract || property.IsExtern);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.IsImplicitlyDeclared)
            return;
        switch (method.MethodKind)
        {
            case MethodKind.PropertyGet:
            case MethodKind.PropertySet:
            case MethodKind.EventAdd:
            case MethodKind.EventRemove:
            case MethodKind.EventRaise:
            case MethodKind.DelegateInvoke:
            case MethodKind.LambdaMethod:
                return;
        }
        if (method.ContainingType?.TypeKind == TypeKind.Delegate)
            return; // the delegate type itself is OVD0005
        AnalyzeSignature(context.ReportDiagnostic, method);
    }

    /// <summary>Return type and parameters of a method or local function.</summary>
    private static void AnalyzeSignature(System.Action<Diagnostic> report, IMethodSymbol method)
    {
        var location = Location(method);
        if (!method.ReturnsVoid && Classify(method.ReturnType, allowString: false) is { } rule)
        {
            var kind = method.MethodKind == MethodKind.LocalFunction ? "local function" : "method";
            report(Diagnostic.Create(rule, location,
                $"{kind} '{method.Name}' returning '{KernelTypes.Display(method.ReturnType)}'"));
        }
        var bodiless = method.IsAbstract || method.IsExtern || method.IsPartialDefinition || KernelScope.IsManagedOnly(method);
        foreach (var parameter in method.Parameters)
        {
            if (Classify(parameter.Type, allowString: bodiless) is { } parameterRule)
                report(Diagnostic.Create(parameterRule, Location(parameter) ?? location,
                    Describe("parameter", parameter, parameter.Type)));
        }
    }

    private static void AnalyzeParameters(SymbolAnalysisContext context, ImmutableArray<IParameterSymbol> parameters, bool allowString)
    {
        foreach (var parameter in parameters)
        {
            if (Classify(parameter.Type, allowString) is { } rule)
                Report(context, rule, parameter, Describe("parameter", parameter, parameter.Type));
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.IsStatic)
            return;
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
                continue;
            // An auto-property's backing field is reported at the property.
            var at = field.IsImplicitlyDeclared && field.AssociatedSymbol is { } property ? property : field;
            if (Location(at) is not { } location)
                continue;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ReferenceStorage, location,
                $"instance state '{at.Name}' in class '{type.Name}'"));
        }
    }

    private static void AnalyzeLocalDeclaration(OperationAnalysisContext context)
    {
        switch (context.Operation)
        {
            case IVariableDeclaratorOperation declarator:
                AnalyzeLocal(context, declarator.Symbol);
                break;
            case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local }:
                AnalyzeLocal(context, local);
                break;
            case IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol local }:
                AnalyzeLocal(context, local);
                break;
            case IListPatternOperation { DeclaredSymbol: ILocalSymbol local }:
                AnalyzeLocal(context, local);
                break;
            case ILocalReferenceOperation { IsDeclaration: true } reference:
                AnalyzeLocal(context, reference.Local);
                break;
            case ILocalFunctionOperation function:
                AnalyzeSignature(context.ReportDiagnostic, function.Symbol);
                break;
        }
    }

    private static void AnalyzeLocal(OperationAnalysisContext context, ILocalSymbol? local)
    {
        if (local is null || local.IsImplicitlyDeclared || (local.IsConst && KernelTypes.IsString(local.Type)))
            return;
        if (Classify(local.Type, allowString: false) is { } rule)
            context.ReportDiagnostic(Diagnostic.Create(rule, Location(local), Describe("local", local, local.Type)));
    }
}
