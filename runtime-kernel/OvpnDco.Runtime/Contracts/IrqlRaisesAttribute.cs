using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The method returns at <see cref="Level"/> (a spin-lock acquire: <c>[IrqlRaises(KIrql.Dispatch)]</c>) and, when it
/// returns a value, that value is the previous IRQL for the matching release (<see cref="IrqlRestoresAttribute"/>).
/// OVD0016 treats the code after such a call, up to the matching release, as running at <see cref="Level"/>.
/// Emitted as <c>_IRQL_raises_(DISPATCH_LEVEL)</c> (+ <c>_IRQL_saves_</c> when a value is returned).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IrqlRaisesAttribute : Attribute
{
    public IrqlRaisesAttribute(KIrql level) => Level = level;

    /// <summary>The level the caller is at when the method returns.</summary>
    public KIrql Level { get; }
}
