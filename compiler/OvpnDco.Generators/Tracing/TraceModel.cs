using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Tracing;

/// <summary>How a field is written: the C type, the TraceLogging macro, and how the hosted sink prints it.</summary>
internal sealed record TraceFieldKind(string CType, string TraceLoggingMacro, string HostedKind);

/// <summary>One field of an event: its C# name and type, and how C sees it.</summary>
internal sealed record TraceField(string Name, string CSharpType, string CName, TraceFieldKind Kind);

/// <summary>One <c>[TraceEvent]</c> method.</summary>
internal sealed record TraceEventDecl(string Name, string Modifiers, int Level, string CName, EquatableArray<TraceField> Fields);

/// <summary>One <c>[TraceProvider]</c> class with its events.</summary>
internal sealed record TraceProviderDecl(
    string Namespace,
    string TypeDeclaration,
    string TypeName,
    string ProviderName,
    string Guid,
    string Prefix,
    string? Sink,
    EquatableArray<TraceEventDecl> Events,
    EquatableArray<DiagnosticInfo> Diagnostics);
