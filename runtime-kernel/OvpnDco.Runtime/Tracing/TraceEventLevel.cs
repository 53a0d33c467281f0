namespace OvpnDco.Runtime;

/// <summary>Trace event levels, numbered as TraceLogging/ETW numbers them (TraceLoggingLevel: error 2 .. verbose 5).</summary>
public enum TraceEventLevel : byte
{
    Error = 2,
    Warning = 3,
    Info = 4,
    Verbose = 5,
}
