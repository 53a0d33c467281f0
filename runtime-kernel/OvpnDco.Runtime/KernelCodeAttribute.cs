using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Marks an assembly, type or method that must obey the kernel subset of C# (see DESIGN.md): no
/// reference-type allocation, boxing, exceptions, floating point, lambdas, LINQ, async or lock.
/// The analyzer reports violations at edit time and the IL→C compiler refuses them.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method,
    AllowMultiple = false, Inherited = false)]
public sealed class KernelCodeAttribute : Attribute
{
}
