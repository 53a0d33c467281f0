using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0008: managed locking in kernel code — the lock statement (on any object or System.Threading.Lock) and
/// members of System.Threading.Monitor and System.Threading.Lock. Kernel code synchronizes with the platform's
/// spin locks (TPlatform members); Interlocked and Volatile are allowed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Lock);

    private protected override void Register(Registrar registrar) => registrar.Operation(Analyze,
        OperationKind.Lock, OperationKind.Invocation, OperationKind.MethodReference);

    private static void Analyze(OperationAnalysisContext context)
    {
        var operation = context.Operation;
        switch (operation)
        {
            case ILockOperation:
                var location = operation.Syntax is LockStatementSyntax syntax ? syntax.LockKeyword.GetLocation() : operation.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.Lock, location, "lock statement"));
                break;
            case IInvocationOperation invocation when IsManagedLock(invocation.TargetMethod):
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.Lock, operation.Syntax.GetLocation(),
                    $"call of '{KernelTypes.Display(invocation.TargetMethod)}'"));
                break;
            case IMethodReferenceOperation reference when IsManagedLock(reference.Method):
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.Lock, operation.Syntax.GetLocation(),
                    $"method group '{KernelTypes.Display(reference.Method)}'"));
                break;
        }
    }

    private static bool IsManagedLock(IMethodSymbol method)
    {
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type is { Name: "Monitor" or "Lock", ContainingType: null }
                && type.ContainingNamespace?.ToDisplayString() == "System.Threading")
                return true;
        }
        return false;
    }
}
