using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Binds a <c>static extern</c> method to a C function named <see cref="CName"/>, declared in the runtime
/// headers or by the user. Under .NET the same method is bound with [DllImport] by the caller, or the
/// method is never called (kernel-only bindings).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ImportAttribute : Attribute
{
    public ImportAttribute(string cName) => CName = cName;

    /// <summary>The C symbol name, used verbatim.</summary>
    public string CName { get; }

    /// <summary>Optional header that declares the function; emitted as <c>#include "Header"</c>.</summary>
    public string? Header { get; set; }
}
