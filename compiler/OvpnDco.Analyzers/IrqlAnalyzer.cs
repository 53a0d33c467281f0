using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OvpnDco.Analyzers;

/// <summary>
/// OVD0016: a PASSIVE_LEVEL-only (<c>[Irql(KIrql.Passive)]</c>, <c>[Irql(KIrql.Apc)]</c>) or <c>[Pageable]</c> method
/// called from code that may run at DISPATCH_LEVEL — upstream ovpn-dco-win's 0xD1/0xA bug checks (#40, #115, #130:
/// paged code and pageable memory touched from the WSK receive event, the tx path and DPCs).
/// <para>
/// Code runs at DISPATCH_LEVEL when its method is marked <c>[Irql(KIrql.Dispatch)]</c>, when a method of this
/// compilation that does is calls it (transitively, through methods with no level of their own), and after a call to
/// an <c>[IrqlRaises(KIrql.Dispatch)]</c> method (a spin-lock acquire) up to the next call that restores the level
/// (<c>[IrqlRestores]</c> on the method or on a parameter), in source order within the method: a branch that only
/// sometimes acquires is taken as acquiring. Calls are collected per operation; the graph is walked once the
/// compilation is complete, so the rule costs one pass over the call sites.
/// </para>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class IrqlAnalyzer : KernelAnalyzer
{
    private const byte Dispatch = 2;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.IrqlTooHigh);

    private sealed class CallSite
    {
        public CallSite(IMethodSymbol caller, IMethodSymbol callee, Location location, int start, int end)
        {
            Caller = caller;
            Callee = callee;
            Location = location;
            Start = start;
            End = end;
        }

        public IMethodSymbol Caller { get; }
        public IMethodSymbol Callee { get; }
        public Location Location { get; }
        public int Start { get; }
        public int End { get; }
        public bool Raised { get; set; }
        public IMethodSymbol? RaisedBy { get; set; }
    }

    private protected override void Register(Registrar registrar)
    {
        var sites = new ConcurrentBag<CallSite>();
        registrar.Operation(c =>
        {
            if (c.Operation is not IInvocationOperation invocation || c.ContainingSymbol is not IMethodSymbol caller)
                return;
            var span = invocation.Syntax.Span;
            sites.Add(new CallSite(caller.OriginalDefinition, invocation.TargetMethod.OriginalDefinition,
                invocation.Syntax.GetLocation(), span.Start, span.End));
        }, OperationKind.Invocation);
        registrar.CompilationEnd(c => Analyze(c, sites.ToArray()));
    }

    private static void Analyze(CompilationAnalysisContext context, CallSite[] all)
    {
        var byCaller = new Dictionary<IMethodSymbol, List<CallSite>>(SymbolEqualityComparer.Default);
        foreach (var site in all.OrderBy(s => s.Start))
        {
            if (!byCaller.TryGetValue(site.Caller, out var list))
                byCaller[site.Caller] = list = new List<CallSite>();
            list.Add(site);
        }
        foreach (var calls in byCaller.Values)
            MarkRaisedRegions(calls);

        // Why a method runs at DISPATCH_LEVEL: its own attribute, or the first caller found that does.
        var reason = new Dictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
        var work = new Queue<IMethodSymbol>();
        foreach (var caller in byCaller.Keys.OrderBy(m => m.ToDisplayString()))
        {
            if (DeclaredMax(caller) is { } max && max >= Dispatch)
            {
                reason[caller] = $"'{KernelTypes.Display(caller)}' ([Irql(KIrql.Dispatch)])";
                work.Enqueue(caller);
            }
        }

        var reported = new HashSet<Location>();
        void Visit(CallSite site, string why)
        {
            var callee = site.Callee;
            if (PassiveOnly(callee) is { } what)
            {
                if (reported.Add(site.Location))
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.IrqlTooHigh, site.Location,
                        $"call of '{KernelTypes.Display(callee)}'", why, KernelTypes.Display(callee), what));
                return;
            }
            if (DeclaredMax(callee) is not null || reason.ContainsKey(callee) || !byCaller.ContainsKey(callee))
                return;
            reason[callee] = $"'{KernelTypes.Display(callee)}' (called at DISPATCH_LEVEL from '{KernelTypes.Display(site.Caller)}')";
            work.Enqueue(callee);
        }

        foreach (var calls in byCaller.Values)
            foreach (var site in calls.Where(s => s.Raised))
                Visit(site, $"the code after '{KernelTypes.Display(site.RaisedBy!)}' in '{KernelTypes.Display(site.Caller)}' (IRQL raised)");
        while (work.Count > 0)
        {
            var method = work.Dequeue();
            foreach (var site in byCaller[method])
                Visit(site, reason[method]);
        }
    }

    /// <summary>Marks the calls made between a raising call and the call that restores the level.</summary>
    private static void MarkRaisedRegions(List<CallSite> calls)
    {
        var raises = calls.Where(s => RaisesTo(s.Callee) >= Dispatch).ToList();
        if (raises.Count == 0)
            return;
        var restores = calls.Where(s => Restores(s.Callee)).ToList();
        foreach (var site in calls)
        {
            var before = raises.Where(r => r.End <= site.Start).ToList();
            var depth = before.Count - restores.Count(r => r.End <= site.Start);
            if (depth > 0)
            {
                site.Raised = true;
                site.RaisedBy = before[before.Count - 1].Callee;
            }
        }
    }

    private static AttributeData? Find(ISymbol symbol, string name) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && c.Name == name
            && c.ContainingNamespace?.ToDisplayString() == "OvpnDco.Runtime");

    /// <summary>The level of [Irql(level)], or APC_LEVEL for [Pageable]; null when the method declares none.</summary>
    private static int? DeclaredMax(IMethodSymbol method)
    {
        if (Find(method, "IrqlAttribute") is { ConstructorArguments: { Length: 1 } args } && args[0].Value is byte level)
            return level;
        return Find(method, "PageableAttribute") is not null ? 1 : null;
    }

    /// <summary>Why the method cannot run at DISPATCH_LEVEL, or null when it can.</summary>
    private static string? PassiveOnly(IMethodSymbol method)
    {
        if (Find(method, "PageableAttribute") is not null)
            return "is pageable ([Pageable])";
        return DeclaredMax(method) switch
        {
            0 => "runs at PASSIVE_LEVEL only ([Irql(KIrql.Passive)])",
            1 => "runs at APC_LEVEL at most ([Irql(KIrql.Apc)])",
            _ => null,
        };
    }

    private static int RaisesTo(IMethodSymbol method) =>
        Find(method, "IrqlRaisesAttribute") is { ConstructorArguments: { Length: 1 } args } && args[0].Value is byte level ? level : -1;

    private static bool Restores(IMethodSymbol method) =>
        Find(method, "IrqlRestoresAttribute") is not null || method.Parameters.Any(p => Find(p, "IrqlRestoresAttribute") is not null);
}
