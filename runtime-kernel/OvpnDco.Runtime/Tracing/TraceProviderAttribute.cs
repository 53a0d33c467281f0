using System;

namespace OvpnDco.Runtime;

/// <summary>
/// A <c>static partial class</c> whose <c>[TraceEvent]</c> methods are the events of one TraceLogging provider.
/// OvpnDco.Generators writes, per event, the C# body and the C function it calls (kernel: one
/// <c>TraceLoggingWrite</c> per event; hosted: one line on the hosted trace sink), and the C files
/// <see cref="Header"/> and its <c>.c</c>, which ovpn-il2c writes next to the output that calls the events
/// (<see cref="CFileAttribute"/>). See driver/README.md, "Tracing".
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TraceProviderAttribute : Attribute
{
    public TraceProviderAttribute(string name, string guid)
    {
        Name = name;
        Guid = guid;
    }

    /// <summary>The provider name ("OpenVPN.OvpnDCO").</summary>
    public string Name { get; }

    /// <summary>The provider GUID, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".</summary>
    public string Guid { get; }

    /// <summary>The C file stem and prefix of every C name: <c>{Prefix}.h</c>, <c>{Prefix}_register</c>, <c>{Prefix}_{event}</c>.</summary>
    public string Prefix { get; set; } = "ovpn_trace";
}
