using System;

namespace OvpnDco.Runtime.Uapi;

/// <summary>
/// Marks a static method as the driver's handler of one IOCTL. The dispatch generator
/// (compiler/OvpnDco.Generators) collects the handlers of a <c>partial</c> type and emits, into that type,
/// <c>DispatchIoctl</c> (code → handler, with the size and mode checks) and <c>TryGetIoctlEntry</c>.
/// <para>The handler signature is fixed:</para>
/// <code>static NtStatus Handler(ref TState state, ReadOnlySpan&lt;byte&gt; input, Span&lt;byte&gt; output, ref int bytesReturned)</code>
/// <para>where <c>TState</c> is the same type for every handler of the type. When the handler runs,
/// <c>input.Length &gt;= sizeof(Input)</c>, <c>output.Length &gt;= sizeof(Output)</c>, <c>output</c> is all zero and
/// <c>bytesReturned</c> is 0; the handler sets <c>bytesReturned</c> to the number of output bytes it filled.</para>
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IoctlAttribute : Attribute
{
    /// <summary>The handler of <c>CTL_CODE(FILE_DEVICE_UNKNOWN, function, METHOD_BUFFERED, FILE_ANY_ACCESS)</c>.</summary>
    public IoctlAttribute(int function)
    {
        Function = function;
        Code = IoctlCode.FromFunction(function);
    }

    /// <summary>The handler of an IOCTL code (which must be a METHOD_BUFFERED, FILE_ANY_ACCESS code of FILE_DEVICE_UNKNOWN).</summary>
    public IoctlAttribute(uint code)
    {
        Code = code;
        Function = IoctlCode.Function(code);
    }

    public int Function { get; }

    public uint Code { get; }

    /// <summary>The input struct or integer type; its size is the minimum input length (null: no input).</summary>
    public Type? Input { get; set; }

    /// <summary>The output struct or integer type; its size is the minimum output length (null: no output).</summary>
    public Type? Output { get; set; }

    /// <summary>The device modes in which the request is accepted; others get STATUS_INVALID_DEVICE_REQUEST.</summary>
    public IoctlModes Modes { get; set; } = IoctlModes.Any;
}
