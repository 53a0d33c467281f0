using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The method is paged code (or touches paged memory): it must run below DISPATCH_LEVEL, where a page fault can be
/// served. Calling it at DISPATCH_LEVEL is the 0xD1/0xA bug check (DRIVER_IRQL_NOT_LESS_OR_EQUAL); OVD0016 reports
/// such a call. Emitted as <c>_IRQL_requires_max_(APC_LEVEL)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
public sealed class PageableAttribute : Attribute
{
}
