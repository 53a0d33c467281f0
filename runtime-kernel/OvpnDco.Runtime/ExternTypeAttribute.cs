using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Declares that a struct or enum is a C type that a header defines (a WDK handle such as <c>WDFDEVICE</c>, a
/// structure such as <c>WDF_DRIVER_CONFIG</c>, a scalar typedef such as <c>NTSTATUS</c> or <c>ULONG</c>). The compiler
/// spells it <see cref="CName"/>, includes <see cref="Header"/> and never defines it, so its layout is always the
/// header's. Fields are accessed by their C names (the C# field name, or <see cref="CNameAttribute"/>); the C#
/// fields only serve code that runs under .NET (simulations) and the fields the C code touches.
/// An enum marked with it is an integer typedef: its members are not emitted as macros (the header has its own).
/// </summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Enum, AllowMultiple = false, Inherited = false)]
public sealed class ExternTypeAttribute : Attribute
{
    public ExternTypeAttribute(string cName) => CName = cName;

    /// <summary>The C type name, used verbatim (<c>WDFDEVICE</c>, <c>PWDFDEVICE_INIT</c>, <c>struct _IRP</c>).</summary>
    public string CName { get; }

    /// <summary>The header that declares the type; required, emitted as <c>#include "Header"</c>.</summary>
    public string? Header { get; set; }

    /// <summary>
    /// The C type is a pointer (a WDF handle, PDEVICE_OBJECT, PIRP) or a pointer-sized scalar (SIZE_T): the struct's one
    /// <c>nint</c> field stands for its value, read as <c>(intptr_t)h</c> and written as <c>h = (CTYPE)v</c>, so C# code can test and compare
    /// handles and a simulation can hand out its own.
    /// </summary>
    public bool IsHandle { get; set; }
}
