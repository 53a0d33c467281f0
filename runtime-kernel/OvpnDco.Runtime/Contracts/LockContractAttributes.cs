using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The caller must hold <see cref="Lock"/>. <see cref="Lock"/> is the SAL lock expression, written in terms of the
/// generated C function's parameters (C# parameter names are kept: <c>"state->Lock"</c>) or a global lock name; it
/// is emitted verbatim as <c>_Requires_lock_held_(…)</c> for the WDK's Code Analysis, which checks it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class RequiresLockAttribute : Attribute
{
    public RequiresLockAttribute(string @lock) => Lock = @lock;

    /// <summary>The lock expression.</summary>
    public string Lock { get; }
}

/// <summary>The method returns holding <see cref="Lock"/> (<c>_Acquires_lock_(…)</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class AcquiresLockAttribute : Attribute
{
    public AcquiresLockAttribute(string @lock) => Lock = @lock;

    /// <summary>The lock expression (see <see cref="RequiresLockAttribute.Lock"/>).</summary>
    public string Lock { get; }
}

/// <summary>The caller holds <see cref="Lock"/> and the method releases it (<c>_Releases_lock_(…)</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ReleasesLockAttribute : Attribute
{
    public ReleasesLockAttribute(string @lock) => Lock = @lock;

    /// <summary>The lock expression (see <see cref="RequiresLockAttribute.Lock"/>).</summary>
    public string Lock { get; }
}
