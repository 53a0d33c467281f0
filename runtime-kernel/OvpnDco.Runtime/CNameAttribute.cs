using System;

namespace OvpnDco.Runtime;

/// <summary>
/// The C name of a field of an <see cref="ExternTypeAttribute"/> struct when it cannot be the C# name (a C# keyword,
/// a name the header spells with a leading underscore, a member of an anonymous union). On a <c>static readonly</c>
/// field it names a header's constant (<c>SO_WSK_EVENT_CALLBACK</c>): the generated C reads that name, where a C#
/// <c>const</c> would have been inlined as a bare number; the field's own value serves .NET (tests, simulation).
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class CNameAttribute : Attribute
{
    public CNameAttribute(string name) => Name = name;

    /// <summary>The member as C code names it; may be a path (<c>u.Tcp.Flags</c>).</summary>
    public string Name { get; }
}
