using System;

namespace OvpnDco.Runtime;

/// <summary>
/// A raw pointer parameter the method reads <see cref="Length"/> bytes from (the name of another parameter):
/// emitted as <c>_In_reads_bytes_(length)</c>. Spans need nothing: their length travels with them and every access
/// is bounds-checked; SAL cannot annotate a pointer inside a struct passed by value.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class InBytesAttribute : Attribute
{
    public InBytesAttribute(string length) => Length = length;

    /// <summary>The parameter holding the byte count.</summary>
    public string Length { get; }
}

/// <summary>A raw pointer parameter the method may write <see cref="Length"/> bytes to: <c>_Out_writes_bytes_(length)</c>.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class OutBytesAttribute : Attribute
{
    public OutBytesAttribute(string length) => Length = length;

    /// <summary>The parameter holding the byte count.</summary>
    public string Length { get; }
}
