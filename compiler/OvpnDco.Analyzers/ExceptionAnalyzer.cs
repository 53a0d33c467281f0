using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0004: exceptions in kernel code — throw statements, throw expressions (including rethrow) and try
/// statements (try/catch, try/finally, exception filters).
/// Not reported: the try/finally the C# compiler itself emits for <c>using</c> on a value-type resource and for
/// <c>foreach</c> over a value-type enumerator (Span/ReadOnlySpan enumerators need none at all). Without
/// exceptions a finally only runs on normal exits, which the IL→C compiler lowers to plain code on each exit
/// path. A <c>using</c>/<c>foreach</c> over a reference type is reported as interface dispatch (OVD0012).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExceptionAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Exceptions);

    private protected override void Register(Registrar registrar) =>
        registrar.Operation(Analyze, OperationKind.Throw, OperationKind.Try);

    private static void Analyze(OperationAnalysisContext context)
    {
        switch (context.Operation)
        {
            case IThrowOperation @throw:
            {
                var what = @throw.Syntax is ThrowExpressionSyntax ? "throw expression"
                    : @throw.Exception is null ? "rethrow 'throw;'"
                    : "throw statement";
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.Exceptions, @throw.Syntax.GetLocation(), what));
                break;
            }
            case ITryOperation @try:
            {
                var what = @try.Catches.IsEmpty ? "'try/finally'"
                    : @try.Finally is null ? "'try/catch'"
                    : "'try/catch/finally'";
                var location = @try.Syntax is TryStatementSyntax syntax ? syntax.TryKeyword.GetLocation() : @try.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.Exceptions, location, what));
                break;
            }
        }
    }
}
