using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0012: virtual dispatch in kernel code.
/// Declarations: virtual, abstract and override members of classes, and record classes (their synthesized members
/// are virtual). Overrides in structs are allowed (calls on a struct are direct).
/// Uses: virtual calls on class-typed receivers, interface member calls/accesses on interface-typed (or
/// class-typed) receivers, <c>foreach</c> whose enumerator is a reference type (IEnumerator&lt;T&gt;) and
/// <c>using</c> of a reference-type resource (Dispose through IDisposable).
/// Allowed: calls through a type parameter constrained to an interface (constrained calls are monomorphized to
/// direct calls), static abstract interface members (TPlatform.Alloc(...)), calls on structs, base calls.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VirtualDispatchAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.VirtualDispatch);

    private protected override void Register(Registrar registrar)
    {
        registrar.Symbol(AnalyzeMember, SymbolKind.Method, SymbolKind.Property, SymbolKind.Event, SymbolKind.NamedType);
        registrar.Operation(AnalyzeOperation,
            OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.EventReference, OperationKind.MethodReference,
            OperationKind.Loop, OperationKind.Using, OperationKind.UsingDeclaration);
    }

    private static void AnalyzeMember(SymbolAnalysisContext context)
    {
        var symbol = context.Symbol;
        if (symbol.IsImplicitlyDeclared || symbol.Locations.IsEmpty)
            return;
        if (symbol is INamedTypeSymbol type)
        {
            if (type is { IsRecord: true, TypeKind: TypeKind.Class })
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.VirtualDispatch, type.Locations[0],
                    $"record class '{type.Name}' (its synthesized members are virtual)"));
            return;
        }
        if (symbol is IMethodSymbol { MethodKind: not (MethodKind.Ordinary or MethodKind.Destructor) })
            return; // accessors are reported with their property/event
        if (symbol.IsStatic || symbol.ContainingType?.TypeKind != TypeKind.Class)
            return;
        var kind = symbol.IsAbstract ? "abstract" : symbol.IsOverride ? "override" : symbol.IsVirtual ? "virtual" : null;
        if (kind is null || symbol is IMethodSymbol { MethodKind: MethodKind.Destructor })
            return; // finalizers are OVD0010
        var member = symbol switch { IPropertySymbol => "property", IEventSymbol => "event", _ => "method" };
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.VirtualDispatch, symbol.Locations[0],
            $"{kind} {member} '{symbol.Name}' in class '{symbol.ContainingType.Name}'"));
    }

    private static void AnalyzeOperation(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        string? what = operation switch
        {
            IInvocationOperation invocation when invocation.TargetMethod.MethodKind != MethodKind.DelegateInvoke =>
                Dispatch(invocation.TargetMethod, invocation.Instance),
            IPropertyReferenceOperation property => Dispatch(property.Property, property.Instance),
            IEventReferenceOperation @event => Dispatch(@event.Event, @event.Instance),
            IMethodReferenceOperation method => Dispatch(method.Method, method.Instance),
            IForEachLoopOperation loop => ForEach(loop),
            IUsingOperation @using => Using(@using.Resources),
            IUsingDeclarationOperation declaration => Using(declaration.DeclarationGroup),
            _ => null,
        };
        if (what is null)
            return;
        var location = operation.Syntax switch
        {
            CommonForEachStatementSyntax loop => loop.ForEachKeyword.GetLocation(),
            UsingStatementSyntax statement => statement.UsingKeyword.GetLocation(),
            LocalDeclarationStatementSyntax declaration => declaration.UsingKeyword.GetLocation(),
            _ => operation.Syntax.GetLocation(),
        };
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.VirtualDispatch, location, what));
    }

    /// <summary>A virtual or interface member used on an object (not on a struct or a type parameter).</summary>
    private static string? Dispatch(ISymbol member, IOperation? instance)
    {
        if (member.IsStatic || instance is null)
            return null;
        if (instance is IInstanceReferenceOperation && instance.Syntax is BaseExpressionSyntax)
            return null; // base.M() is a direct call
        var receiver = instance.Type;
        if (receiver is null or ITypeParameterSymbol || receiver.IsValueType)
            return null;
        var containing = member.ContainingType;
        if (containing?.TypeKind == TypeKind.Interface)
            return $"interface call of '{KernelTypes.Display(member)}' on '{KernelTypes.Display(receiver)}'";
        if (containing?.TypeKind == TypeKind.Class && (member.IsVirtual || member.IsAbstract || member.IsOverride) && !member.IsSealed)
            return $"virtual call of '{KernelTypes.Display(member)}'";
        return null;
    }

    private static string? ForEach(IForEachLoopOperation loop)
    {
        if (loop.IsAsynchronous || loop.Syntax is not CommonForEachStatementSyntax syntax || loop.SemanticModel is null)
            return null; // await foreach is inside an async method (OVD0007)
        var collection = loop.Collection is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : loop.Collection.Type;
        if (collection is IArrayTypeSymbol || KernelTypes.IsString(collection))
            return null; // lowered to an index loop
        var info = loop.SemanticModel.GetForEachStatementInfo(syntax);
        var enumerator = info.GetEnumeratorMethod?.ReturnType;
        if (enumerator is null || enumerator.IsValueType || enumerator is ITypeParameterSymbol)
            return null;
        return $"foreach over '{KernelTypes.Display(collection)}' through enumerator '{KernelTypes.Display(enumerator)}'";
    }

    private static string? Using(IOperation resources)
    {
        if (resources is IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if (UsingResource(declarator.Symbol.Type) is { } what)
                        return what;
                }
            }
            return null;
        }
        return UsingResource(resources.Type);
    }

    private static string? UsingResource(ITypeSymbol? type) =>
        type is null or ITypeParameterSymbol || type.IsValueType
            ? null
            : $"'using' of reference type '{KernelTypes.Display(type)}' (Dispose through IDisposable)";
}
