using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Marks a struct whose instances are freed explicitly while other objects may still name them (a peer, a key).
/// A raw pointer to such a struct may be held in a field only by <see cref="Owner"/> (the table that frees it);
/// everything else keeps a generation-checked handle and holds a raw pointer only in locals and parameters, for the
/// duration of one entry point. Analyzer rule OVD0015 reports any other field of that pointer type.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class OwnedByAttribute : Attribute
{
    public OwnedByAttribute(Type owner) => Owner = owner;

    /// <summary>The one type whose fields may point at instances of the marked struct.</summary>
    public Type Owner { get; }
}
