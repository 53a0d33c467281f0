using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace OvpnDco.Analyzers;

/// <summary>
/// Base of every kernel-subset analyzer: enables concurrent execution, analyzes generated code too (our source
/// generators emit kernel code — the IOCTL dispatch table — which must obey the subset like hand-written code,
/// and the IL→C compiler would refuse it anyway), and registers actions only for compilations that can contain
/// <c>[KernelCode]</c>. The registered actions run only for kernel code (see <see cref="KernelScope"/>).
/// </summary>
public abstract class KernelAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Every operation kind (for rules that need to see all expressions, e.g. to find the outermost one).</summary>
    private protected static readonly ImmutableArray<OperationKind> AllOperationKinds =
        Enum.GetValues(typeof(OperationKind)).Cast<OperationKind>()
            .Where(k => k != OperationKind.None).Distinct().ToImmutableArray();

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var scope = KernelScope.TryCreate(start.Compilation);
            if (scope is not null)
                Register(new Registrar(start, scope));
        });
    }

    /// <summary>Registers the analyzer's actions; they are called for kernel code only.</summary>
    private protected abstract void Register(Registrar registrar);

    /// <summary>Registers actions filtered to kernel code.</summary>
    private protected sealed class Registrar
    {
        private readonly CompilationStartAnalysisContext _context;

        // RS1012 cannot see that this wrapper registers the actions on the start context.
#pragma warning disable RS1012
        public Registrar(CompilationStartAnalysisContext context, KernelScope scope)
#pragma warning restore RS1012
        {
            _context = context;
            Scope = scope;
        }

        public KernelScope Scope { get; }

        public Compilation Compilation => _context.Compilation;

        public void Operation(Action<OperationAnalysisContext> action, params OperationKind[] kinds) =>
            Operation(action, kinds.ToImmutableArray());

        public void Operation(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> kinds)
        {
            var scope = Scope;
            _context.RegisterOperationAction(c =>
            {
                if (scope.ShouldAnalyze(c.Operation, c.ContainingSymbol))
                    action(c);
            }, kinds);
        }

        /// <summary>Runs once the whole compilation was seen (rules over the call graph).</summary>
        public void CompilationEnd(Action<CompilationAnalysisContext> action) => _context.RegisterCompilationEndAction(action);

        public void Symbol(Action<SymbolAnalysisContext> action, params SymbolKind[] kinds)
        {
            var scope = Scope;
            _context.RegisterSymbolAction(c =>
            {
                if (scope.IsKernel(c.Symbol))
                    action(c);
            }, kinds);
        }
    }
}
