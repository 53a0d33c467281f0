using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Tracing;

/// <summary>Reads a <c>[TraceProvider]</c> class into a <see cref="TraceProviderDecl"/>, with OVDG0014 for what C cannot carry.</summary>
internal static class TraceExtractor
{
    private const string Ns = "OvpnDco.Runtime";

    private static readonly Dictionary<SpecialType, TraceFieldKind> Kinds = new()
    {
        [SpecialType.System_Byte] = new("uint8_t", "TraceLoggingUInt8", "OVPN_HOSTED_TRACE_FIELD_UNSIGNED"),
        [SpecialType.System_SByte] = new("int8_t", "TraceLoggingInt8", "OVPN_HOSTED_TRACE_FIELD_SIGNED"),
        [SpecialType.System_UInt16] = new("uint16_t", "TraceLoggingUInt16", "OVPN_HOSTED_TRACE_FIELD_UNSIGNED"),
        [SpecialType.System_Int16] = new("int16_t", "TraceLoggingInt16", "OVPN_HOSTED_TRACE_FIELD_SIGNED"),
        [SpecialType.System_UInt32] = new("uint32_t", "TraceLoggingUInt32", "OVPN_HOSTED_TRACE_FIELD_UNSIGNED"),
        [SpecialType.System_Int32] = new("int32_t", "TraceLoggingInt32", "OVPN_HOSTED_TRACE_FIELD_SIGNED"),
        [SpecialType.System_UInt64] = new("uint64_t", "TraceLoggingUInt64", "OVPN_HOSTED_TRACE_FIELD_UNSIGNED"),
        [SpecialType.System_Int64] = new("int64_t", "TraceLoggingInt64", "OVPN_HOSTED_TRACE_FIELD_SIGNED"),
        [SpecialType.System_Boolean] = new("bool", "TraceLoggingBoolean", "OVPN_HOSTED_TRACE_FIELD_BOOL"),
        [SpecialType.System_String] = new("const char *", "TraceLoggingString", "OVPN_HOSTED_TRACE_FIELD_STRING"),
    };

    public static TraceProviderDecl Extract(INamedTypeSymbol type, AttributeData attribute)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = LocationInfo.From(type);
        void Bad(LocationInfo? where, string what) =>
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadTraceEvent, where, type.Name, what));

        string name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? "" : "";
        string guid = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string ?? "" : "";
        string prefix = "ovpn_trace";
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Prefix" && named.Value.Value is string s)
                prefix = s;
        }
        if (name.Length == 0 || name.Any(c => c == '"' || c == '\\' || c < ' '))
            Bad(location, "the provider name must be a non-empty plain string");
        if (!System.Guid.TryParse(guid, out _))
            Bad(location, $"'{guid}' is not a GUID");
        if (!IsIdentifier(prefix))
            Bad(location, $"the prefix '{prefix}' is not a C identifier");
        if (type.ContainingType is not null || !type.IsStatic
            || type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is ClassDeclarationSyntax c && !c.Modifiers.Any(SyntaxKind.PartialKeyword)))
            Bad(location, "the provider must be a top-level 'static partial class'");

        string? sink = null;
        var events = new List<TraceEventDecl>();
        // The provider's own functions take these names (RegisterProvider/UnregisterProvider in C#).
        var cNames = new HashSet<string> { prefix + "_register", prefix + "_unregister" };
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>().OrderBy(m => SourceOrder.From(m)))
        {
            if (Has(method, "TraceSinkAttribute"))
            {
                if (!method.IsStatic || !method.ReturnsVoid || method.Parameters.Length != 2
                    || method.Parameters[0].Type.ToDisplayString() != Ns + ".TraceEventLevel"
                    || method.Parameters[1].Type.SpecialType != SpecialType.System_String || sink is not null)
                    Bad(LocationInfo.From(method), $"the sink '{method.Name}' must be the one 'static void {method.Name}(TraceEventLevel level, string line)'");
                else
                    sink = method.Name;
                continue;
            }
            var eventAttribute = method.GetAttributes().FirstOrDefault(a => IsRuntime(a.AttributeClass, "TraceEventAttribute"));
            if (eventAttribute is null)
                continue;
            var where = LocationInfo.From(method);
            var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>()
                .FirstOrDefault(m => m.Body is null && m.ExpressionBody is null);
            if (!method.IsStatic || !method.ReturnsVoid || !method.IsPartialDefinition || method.PartialImplementationPart is not null
                || syntax is null || method.IsGenericMethod)
            {
                Bad(where, $"the event '{method.Name}' must be declared 'static partial void {method.Name}(...);' without a body or type parameters");
                continue;
            }
            int level = eventAttribute.ConstructorArguments.Length == 1 && eventAttribute.ConstructorArguments[0].Value is byte b ? b : 0;
            if (level < 2 || level > 5)
                Bad(where, $"the event '{method.Name}' has level {level}; TraceEventLevel is 2 (error) to 5 (verbose)");
            var fields = new List<TraceField>();
            foreach (var p in method.Parameters)
            {
                if (p.RefKind != RefKind.None || !Kinds.TryGetValue(p.Type.SpecialType, out var kind))
                {
                    Bad(LocationInfo.From(p) ?? where, $"field '{p.Name}' of '{method.Name}' has type '{p.Type.ToDisplayString()}'; "
                        + "a field is an integer, a bool or a string passed by value");
                    continue;
                }
                fields.Add(new TraceField(p.Name, p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), SnakeCase(p.Name), kind));
            }
            string cName = prefix + "_" + SnakeCase(method.Name);
            if (!cNames.Add(cName) || method.Name is "RegisterProvider" or "UnregisterProvider")
                Bad(where, $"'{method.Name}' ({cName} in C) is taken by another event or by the provider's register/unregister");
            string modifiers = string.Join(" ", syntax.Modifiers.Select(m => m.Text));
            events.Add(new TraceEventDecl(method.Name, modifiers, level, cName, fields.ToEquatableArray()));
        }
        if (events.Count == 0)
            Bad(location, "the provider declares no [TraceEvent] method");

        string typeName = type.Name + (type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(t => t.Name)) + ">");
        return new TraceProviderDecl(
            type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            "partial class " + typeName, typeName, name, guid, prefix, sink, events.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>PeerKeepaliveExpired → peer_keepalive_expired, peerId → peer_id, TxPacketIdExhausted → tx_packet_id_exhausted.</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (boundary)
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
                sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_'));

    private static bool Has(ISymbol symbol, string attribute) => symbol.GetAttributes().Any(a => IsRuntime(a.AttributeClass, attribute));

    private static bool IsRuntime(INamedTypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == Ns;
}
