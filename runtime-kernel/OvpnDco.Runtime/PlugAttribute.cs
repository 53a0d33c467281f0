using System;

namespace OvpnDco.Runtime;

/// <summary>
/// Replaces a BCL method with this method when compiling to C. The plug names the type and the method it
/// replaces; the plug's parameters must match the target's (an instance target takes <c>this</c> as the
/// first parameter, by ref for value types). Plugs sit together in one class per replaced type.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PlugAttribute : Attribute
{
    public PlugAttribute(Type target, string method)
    {
        Target = target;
        Method = method;
    }

    /// <summary>The BCL type that holds the replaced method (open generic types allowed).</summary>
    public Type Target { get; }

    /// <summary>The replaced method's metadata name (e.g. <c>get_Length</c>, <c>.ctor</c>).</summary>
    public string Method { get; }

    /// <summary>
    /// When set, the plug is a C function with this name that the runtime headers provide, and the C# body
    /// of the plug is used only under .NET.
    /// </summary>
    public string? CFunction { get; set; }
}
