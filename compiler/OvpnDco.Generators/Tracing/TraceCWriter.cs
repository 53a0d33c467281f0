using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OvpnDco.Generators.Tracing;

/// <summary>
/// The C of a provider's events: <c>{prefix}.h</c> (register/unregister and one function per event) and
/// <c>{prefix}.c</c>. In the kernel (<c>_KERNEL_MODE</c>, the WDK) the provider is a TraceLogging provider and each
/// event one <c>TraceLoggingWrite</c> with typed fields; elsewhere (the hosted build, and kernel-dialect syntax checks
/// without the WDK) each event is one line on the hosted trace sink (<c>ovpn_hosted_trace_event</c>): name, level,
/// <c>field=value</c> pairs — the line the .NET body hands to the sink.
/// </summary>
internal static class TraceCWriter
{
    private static readonly string[] Levels = { "", "", "error", "warning", "info", "verbose" };

    private static readonly string[] HostedLevels = { "", "", "OVPN_HOSTED_TRACE_ERROR", "OVPN_HOSTED_TRACE_WARNING", "OVPN_HOSTED_TRACE_INFO", "OVPN_HOSTED_TRACE_VERBOSE" };

    public static string LevelName(int level) => level is >= 2 and <= 5 ? Levels[level] : level.ToString(CultureInfo.InvariantCulture);

    private static string Parameters(TraceEventDecl e) =>
        e.Fields.Length == 0 ? "void" : string.Join(", ", e.Fields.Select(f => f.Kind.CType.EndsWith("*", StringComparison.Ordinal)
            ? f.Kind.CType + f.CName : f.Kind.CType + " " + f.CName));

    public static string Header(TraceProviderDecl p)
    {
        string guard = p.Prefix.ToUpperInvariant() + "_H";
        var sb = new StringBuilder();
        sb.Append("#ifndef ").Append(guard).Append("\n#define ").Append(guard).Append("\n\n");
        sb.Append("#include <stdbool.h>\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
        sb.Append("/*\n * Trace provider \"").Append(p.ProviderName).Append("\" {").Append(p.Guid.ToLowerInvariant()).Append("}, declared in C# by ")
            .Append(p.TypeName).Append(".\n");
        sb.Append(" * Kernel: ").Append(p.Prefix).Append("_register() in DriverEntry before anything can trace (PASSIVE_LEVEL; an NTSTATUS),\n");
        sb.Append(" * ").Append(p.Prefix).Append("_unregister() in the driver's unload after the last event. Hosted: both do nothing.\n");
        sb.Append(" * The events may be called at any IRQL up to DISPATCH_LEVEL.\n */\n");
        sb.Append("int32_t ").Append(p.Prefix).Append("_register(void);\n");
        sb.Append("void ").Append(p.Prefix).Append("_unregister(void);\n\n");
        foreach (var e in p.Events)
        {
            sb.Append("/* ").Append(e.Name).Append(" (").Append(LevelName(e.Level)).Append(") */\n");
            sb.Append("void ").Append(e.CName).Append('(').Append(Parameters(e)).Append(");\n");
        }
        sb.Append("\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
        return sb.ToString();
    }

    public static string Source(TraceProviderDecl p)
    {
        var g = Guid.Parse(p.Guid).ToByteArray();
        // Guid.ToByteArray: Data1..Data3 little-endian, then Data4 as written.
        string guid = string.Format(CultureInfo.InvariantCulture, "(0x{0:x8}, 0x{1:x4}, 0x{2:x4}, {3})",
            BitConverter.ToUInt32(g, 0), BitConverter.ToUInt16(g, 4), BitConverter.ToUInt16(g, 6),
            string.Join(", ", g.Skip(8).Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture))));
        string provider = "g_" + p.Prefix + "_provider";
        var sb = new StringBuilder();
        sb.Append("#include \"").Append(p.Prefix).Append(".h\"\n\n");
        sb.Append("#ifdef _KERNEL_MODE\n\n#include <wdm.h>\n#include <TraceLoggingProvider.h>\n\n");
        sb.Append("TRACELOGGING_DEFINE_PROVIDER(").Append(provider).Append(", \"").Append(p.ProviderName).Append("\",\n    ")
            .Append(guid).Append(");\n\n");
        sb.Append("_IRQL_requires_(PASSIVE_LEVEL)\nint32_t ").Append(p.Prefix).Append("_register(void)\n{\n    return TraceLoggingRegister(")
            .Append(provider).Append(");\n}\n\n");
        sb.Append("_IRQL_requires_(PASSIVE_LEVEL)\nvoid ").Append(p.Prefix).Append("_unregister(void)\n{\n    TraceLoggingUnregister(")
            .Append(provider).Append(");\n}\n");
        foreach (var e in p.Events)
        {
            sb.Append("\n_IRQL_requires_max_(DISPATCH_LEVEL)\nvoid ").Append(e.CName).Append('(').Append(Parameters(e)).Append(")\n{\n");
            // The ETW level number (winmeta.h's WINEVENT_LEVEL_*, which the kernel headers do not all define).
            sb.Append("    TraceLoggingWrite(").Append(provider).Append(", \"").Append(e.Name).Append("\",\n        TraceLoggingLevel(")
                .Append(e.Level).Append(" /* ").Append(LevelName(e.Level)).Append(" */)");
            foreach (var f in e.Fields)
            {
                // A C bool is TraceLoggingBoolean's BOOLEAN (one byte), as TraceLoggingProvider.h maps C++ bool.
                sb.Append(",\n        ").Append(f.Kind.TraceLoggingMacro).Append('(').Append(f.CName).Append(", \"").Append(f.Name).Append("\")");
            }
            sb.Append(");\n}\n");
        }
        sb.Append("\n#else /* the hosted trace sink: one line per event */\n\n#include \"ovpn_hosted.h\"\n\n");
        sb.Append("int32_t ").Append(p.Prefix).Append("_register(void)\n{\n    return 0;\n}\n\n");
        sb.Append("void ").Append(p.Prefix).Append("_unregister(void)\n{\n}\n");
        foreach (var e in p.Events)
        {
            sb.Append("\nvoid ").Append(e.CName).Append('(').Append(Parameters(e)).Append(")\n{\n");
            if (e.Fields.Length == 0)
            {
                sb.Append("    ovpn_hosted_trace_event(").Append(HostedLevels[e.Level]).Append(", \"").Append(e.Name).Append("\", 0, NULL);\n}\n");
                continue;
            }
            sb.Append("    const ovpn_hosted_trace_field fields[").Append(e.Fields.Length).Append("] = {\n");
            foreach (var f in e.Fields)
            {
                sb.Append("        { \"").Append(f.Name).Append("\", ").Append(f.Kind.HostedKind).Append(", ");
                sb.Append(f.Kind.HostedKind switch
                {
                    "OVPN_HOSTED_TRACE_FIELD_STRING" => "0, " + f.CName,
                    "OVPN_HOSTED_TRACE_FIELD_UNSIGNED" => "(uint64_t)" + f.CName + ", NULL",
                    "OVPN_HOSTED_TRACE_FIELD_BOOL" => "(uint64_t)" + f.CName + ", NULL",
                    _ => "(uint64_t)(int64_t)" + f.CName + ", NULL",
                });
                sb.Append(" },\n");
            }
            sb.Append("    };\n    ovpn_hosted_trace_event(").Append(HostedLevels[e.Level]).Append(", \"").Append(e.Name).Append("\", ")
                .Append(e.Fields.Length).Append(", fields);\n}\n");
        }
        sb.Append("\n#endif\n");
        return sb.ToString();
    }
}
