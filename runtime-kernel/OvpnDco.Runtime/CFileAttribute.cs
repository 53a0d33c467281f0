using System;

namespace OvpnDco.Runtime;

/// <summary>
/// A C file that belongs to this assembly's <c>[Import]</c>s (written by a source generator: the trace events).
/// When a compiled function calls an <c>[Import]</c> of this assembly whose header is one of its CFiles, ovpn-il2c
/// writes all of the assembly's CFiles into the output directory, so the output builds as it always does
/// (<c>&lt;dir&gt;/*.c</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class CFileAttribute : Attribute
{
    public CFileAttribute(string name, string text)
    {
        Name = name;
        Text = text;
    }

    /// <summary>The file name (no directory).</summary>
    public string Name { get; }

    /// <summary>The file's text, without the first-line banner, which the compiler adds.</summary>
    public string Text { get; }
}
