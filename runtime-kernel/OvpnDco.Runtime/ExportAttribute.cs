using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Emits a static method as an external C function with exactly <see cref="CName"/> as its name.
/// Its signature must map to C: sized integers, bool, pointers, nint/nuint and blittable structs
/// (by value or by pointer). The compiler starts reachability from every exported method.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ExportAttribute : Attribute
{
    public ExportAttribute(string cName) => CName = cName;

    /// <summary>The C symbol name, used verbatim.</summary>
    public string CName { get; }
}
