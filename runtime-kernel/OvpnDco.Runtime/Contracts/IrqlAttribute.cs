using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The highest IRQL a method may be called at (<c>[Irql(KIrql.Dispatch)]</c>: at or below DISPATCH_LEVEL), or
/// for <see cref="KIrql.Passive"/> the only one (PASSIVE_LEVEL). On an interface member it is the contract of every
/// implementation. Analyzer rule OVD0016 reports a call from code that may run at DISPATCH_LEVEL to a method whose
/// level is lower; the compiler emits it as <c>_IRQL_requires_max_(DISPATCH_LEVEL)</c> /
/// <c>_IRQL_requires_(PASSIVE_LEVEL)</c> on the generated C function.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
public sealed class IrqlAttribute : Attribute
{
    public IrqlAttribute(KIrql max) => Max = max;

    /// <summary>The highest level the method may run at.</summary>
    public KIrql Max { get; }
}
