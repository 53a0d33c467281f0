using System;

namespace OvpnDco.Runtime;

/// <summary>
/// A trace event: a <c>static partial void</c> method of a <see cref="TraceProviderAttribute"/> class whose name is
/// the event name and whose parameters (integers, bool, string literals) are its fields.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class TraceEventAttribute : Attribute
{
    public TraceEventAttribute(TraceEventLevel level) => Level = level;

    /// <summary>The event's level.</summary>
    public TraceEventLevel Level { get; }
}

/// <summary>
/// The method of a <see cref="TraceProviderAttribute"/> class that receives every event when the code runs under .NET
/// (the managed platform of the tests): <c>static void Sink(TraceEventLevel level, string line)</c>, with the same
/// line the hosted build prints. Compiled code never calls it: there the events are C functions.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class TraceSinkAttribute : Attribute
{
}
