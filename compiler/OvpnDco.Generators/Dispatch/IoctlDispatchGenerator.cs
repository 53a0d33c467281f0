using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Dispatch;

/// <summary>One type that encloses the handlers (outermost first), as the partial declaration needs it.</summary>
internal sealed record ContainingType(string Keyword, string Name, bool IsPartial, bool IsStatic, string DisplayName);

/// <summary>An IOCTL as the uapi declares it ([UapiIoctl] on OvpnDco.Uapi.OvpnIoctl).</summary>
internal sealed record UapiIoctlShape(uint Code, string Name, string? Input, string? Output, int Modes);

/// <summary>One <c>[Ioctl]</c> handler.</summary>
internal sealed record HandlerDecl(
    string TypeKey,
    string Namespace,
    EquatableArray<ContainingType> Types,
    int TypeAccess,
    string MethodName,
    int Function,
    uint Code,
    string? Input,
    bool InputIsInteger,
    string? Output,
    bool OutputIsInteger,
    int Modes,
    string? StateType,
    int StateAccess,
    bool Valid,
    SourceOrder Order,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Generates the IOCTL dispatch of every <c>partial</c> type that has <c>[Ioctl]</c> handlers:
/// <c>DispatchIoctl(ref TState, IoctlModes mode, uint code, ReadOnlySpan&lt;byte&gt; input, Span&lt;byte&gt; output, ref int bytesReturned)</c>
/// (unknown code or wrong mode → STATUS_INVALID_DEVICE_REQUEST; short input or output → STATUS_BUFFER_TOO_SMALL;
/// output zeroed before the handler runs), <c>TryGetIoctlEntry</c>, <c>IoctlCodeAt</c> and <c>IoctlCount</c>.
/// The generated code is kernel-subset C#: a switch, span lengths, <c>sizeof</c>, static calls.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class IoctlDispatchGenerator : IIncrementalGenerator
{
    internal const string IoctlAttribute = "OvpnDco.Runtime.Uapi.IoctlAttribute";
    private const string Rt = "global::OvpnDco.Runtime.Uapi.";

    // Upstream answers a request of the other mode with STATUS_INVALID_DEVICE_STATE (ERROR_BAD_COMMAND), and an
    // unknown code or anything but GET_VERSION on the control device with STATUS_INVALID_DEVICE_REQUEST.
    private const string WrongModeStatus = "((mode & " + Rt + "IoctlModes.ControlDevice) != 0 ? " + Rt + "NtStatus.InvalidDeviceRequest : "
        + Rt + "NtStatus.InvalidDeviceState)";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var handlers = context.SyntaxProvider.ForAttributeWithMetadataName(IoctlAttribute,
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, _) => Extract((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0]));

        var groups = handlers.Collect().SelectMany(static (all, _) =>
            all.GroupBy(h => h.TypeKey).OrderBy(g => g.Key, System.StringComparer.Ordinal)
                .Select(g => g.OrderBy(h => h.Order).ToEquatableArray()));

        // The uapi's own declaration of every IOCTL (OvpnDco.Uapi.OvpnIoctl, in source or referenced), to check
        // that handlers declare the same request shape.
        var declared = context.CompilationProvider.Select(static (compilation, _) => DeclaredIoctls(compilation));

        context.RegisterSourceOutput(groups.Combine(declared), static (spc, input) =>
        {
            var (group, uapi) = input;
            var diagnostics = new List<DiagnosticInfo>();
            CheckAgainstUapi(group, uapi, diagnostics);
            string? source = Generate(group, diagnostics, out string hintName);
            foreach (var d in diagnostics)
                spc.ReportDiagnostic(d.ToDiagnostic());
            if (source is not null)
                spc.AddSource(hintName, SourceText.From(source, Encoding.UTF8));
        });
    }

    private static readonly SymbolDisplayFormat FullName = SymbolDisplayFormat.FullyQualifiedFormat;

    private static int AccessLevel(ITypeSymbol? type)
    {
        if (type is null || type.TypeKind == TypeKind.TypeParameter)
            return 3;
        int level = 3;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            int l = t.DeclaredAccessibility switch
            {
                Accessibility.Public => 3,
                Accessibility.Internal or Accessibility.ProtectedOrInternal => 2,
                _ => 1,
            };
            if (l < level)
                level = l;
        }
        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
                level = System.Math.Min(level, AccessLevel(argument));
        }
        return level;
    }

    internal static HandlerDecl Extract(IMethodSymbol method, AttributeData attribute)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = LocationInfo.From(method);
        string display = method.ContainingType.Name + "." + method.Name;

        // The IOCTL: a function number (int) or a code (uint).
        int function = 0;
        uint code = 0;
        if (attribute.ConstructorArguments.Length == 1)
        {
            var argument = attribute.ConstructorArguments[0];
            if (argument.Value is int fn)
            {
                function = fn;
                code = (uint)(0x22 << 16) | ((uint)fn << 2);
                if (fn < 1 || fn > 0xFFF)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadIoctlCode, location, display,
                        $"function number {fn} is outside 1..4095"));
                }
            }
            else if (argument.Value is uint c)
            {
                code = c;
                function = (int)((c >> 2) & 0xFFF);
                if ((c & 0xFFFFC003u) != (0x22u << 16) || function == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadIoctlCode, location, display,
                        $"0x{c:X8} is not CTL_CODE(FILE_DEVICE_UNKNOWN, 1..4095, METHOD_BUFFERED, FILE_ANY_ACCESS)"));
                }
            }
        }

        ITypeSymbol? input = null, output = null;
        int modes = 3;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Input":
                    input = named.Value.Value as ITypeSymbol;
                    break;
                case "Output":
                    output = named.Value.Value as ITypeSymbol;
                    break;
                case "Modes":
                    modes = named.Value.Value is int m ? m : modes;
                    break;
            }
        }
        CheckBuffer(input, "Input", display, location, diagnostics);
        CheckBuffer(output, "Output", display, location, diagnostics);

        // The signature: static NtStatus H(ref TState, ReadOnlySpan<byte>, Span<byte>, ref int).
        var problems = new List<string>();
        if (!method.IsStatic)
            problems.Add("it is not static");
        if (method.IsGenericMethod)
            problems.Add("it must not be generic");
        if (method.ReturnType.ToDisplayString() != "OvpnDco.Runtime.Uapi.NtStatus" || method.ReturnsByRef || method.ReturnsByRefReadonly)
            problems.Add($"it returns '{method.ReturnType.ToDisplayString()}' instead of 'NtStatus'");
        var p = method.Parameters;
        if (p.Length != 4)
        {
            problems.Add($"it has {p.Length} parameter(s) instead of 4");
        }
        else
        {
            if (p[0].RefKind != RefKind.Ref)
                problems.Add($"the first parameter must be 'ref TState', not '{Describe(p[0])}'");
            if (p[1].RefKind != RefKind.None || p[1].Type.ToDisplayString() != "System.ReadOnlySpan<byte>")
                problems.Add($"the second parameter must be 'ReadOnlySpan<byte> input', not '{Describe(p[1])}'");
            if (p[2].RefKind != RefKind.None || p[2].Type.ToDisplayString() != "System.Span<byte>")
                problems.Add($"the third parameter must be 'Span<byte> output', not '{Describe(p[2])}'");
            if (p[3].RefKind != RefKind.Ref || p[3].Type.SpecialType != SpecialType.System_Int32)
                problems.Add($"the fourth parameter must be 'ref int bytesReturned', not '{Describe(p[3])}'");
        }
        if (problems.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadHandlerSignature, location, method.Name,
                string.Join("; ", problems)));
        }
        // A handler with a broken signature does not vote on the state type (it is left out of the table).
        ITypeSymbol? state = problems.Count == 0 ? p[0].Type : null;

        // The enclosing types, outermost first.
        var types = new List<ContainingType>();
        for (var t = method.ContainingType; t is not null; t = t.ContainingType)
        {
            bool isPartial = t.DeclaringSyntaxReferences.Any(r =>
                r.GetSyntax() is TypeDeclarationSyntax decl && decl.Modifiers.Any(mod => mod.ValueText == "partial"));
            string keyword = t.TypeKind switch
            {
                TypeKind.Struct => (t.IsRefLikeType ? "ref partial " : "partial ") + (t.IsRecord ? "record struct" : "struct"),
                TypeKind.Interface => "partial interface",
                _ => (t.IsStatic ? "static partial " : "partial ") + (t.IsRecord ? "record" : "class"),
            };
            string name = t.Name + (t.TypeParameters.Length > 0 ? "<" + string.Join(", ", t.TypeParameters.Select(tp => tp.Name)) + ">" : string.Empty);
            types.Insert(0, new ContainingType(keyword, name, isPartial, t.IsStatic, t.ToDisplayString()));
        }

        bool valid = diagnostics.Count == 0;
        string ns = method.ContainingType.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
        return new HandlerDecl(method.ContainingType.ToDisplayString(FullName), ns, types.ToEquatableArray(),
            AccessLevel(method.ContainingType), method.Name, function, code,
            input?.ToDisplayString(FullName), IsInteger(input), output?.ToDisplayString(FullName), IsInteger(output),
            modes, state?.ToDisplayString(FullName), AccessLevel(state), valid, SourceOrder.From(method), location,
            diagnostics.ToEquatableArray());
    }

    /// <summary>The type whose [UapiIoctl] constants are the ABI's IOCTL declarations.</summary>
    internal const string UapiIoctlType = "OvpnDco.Uapi.OvpnIoctl";

    internal static EquatableArray<UapiIoctlShape> DeclaredIoctls(Compilation compilation)
    {
        var type = compilation.GetTypeByMetadataName(UapiIoctlType);
        if (type is null)
            return EquatableArray<UapiIoctlShape>.Empty;
        var list = new List<UapiIoctlShape>();
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsConst: true, ConstantValue: uint code } field)
                continue;
            foreach (var a in field.GetAttributes())
            {
                if (a.AttributeClass?.ToDisplayString() != "OvpnDco.Runtime.Uapi.UapiIoctlAttribute")
                    continue;
                string? input = null, output = null;
                int modes = 3;
                foreach (var named in a.NamedArguments)
                {
                    if (named.Key == "Input")
                        input = (named.Value.Value as ITypeSymbol)?.ToDisplayString(FullName);
                    else if (named.Key == "Output")
                        output = (named.Value.Value as ITypeSymbol)?.ToDisplayString(FullName);
                    else if (named.Key == "Modes" && named.Value.Value is int m)
                        modes = m;
                }
                string cName = a.ConstructorArguments.Length > 0 ? a.ConstructorArguments[0].Value as string ?? field.Name : field.Name;
                list.Add(new UapiIoctlShape(code, type.Name + "." + field.Name + " (" + cName + ")", input, output, modes));
            }
        }
        return list.ToEquatableArray();
    }

    private static string Shape(string? input, string? output, int modes)
        => $"Input = {TypeText(input)}, Output = {TypeText(output)}, Modes = {ModesText(modes)}";

    private static string TypeText(string? type) => type is null ? "none" : type.Replace("global::", string.Empty);

    private static string ModesText(int modes) => ModesExpression(modes).Replace(Rt + "IoctlModes.", string.Empty);

    internal static void CheckAgainstUapi(EquatableArray<HandlerDecl> group, EquatableArray<UapiIoctlShape> uapi, List<DiagnosticInfo> diagnostics)
    {
        foreach (var h in group)
        {
            foreach (var shape in uapi)
            {
                if (shape.Code != h.Code)
                    continue;
                if (shape.Input != h.Input || shape.Output != h.Output || shape.Modes != h.Modes)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.ShapeMismatch, h.Location, h.MethodName,
                        Shape(h.Input, h.Output, h.Modes), shape.Name, Shape(shape.Input, shape.Output, shape.Modes)));
                }
            }
        }
    }

    private static bool IsInteger(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte
        or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
        or SpecialType.System_Int64 or SpecialType.System_UInt64;

    private static string Describe(IParameterSymbol parameter)
    {
        string prefix = parameter.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            _ => string.Empty,
        };
        return prefix + parameter.Type.ToDisplayString();
    }

    private static void CheckBuffer(ITypeSymbol? type, string role, string handler, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (type is null)
            return;
        bool ok = type.IsUnmanagedType && (type.TypeKind is TypeKind.Struct or TypeKind.Enum)
            && type.SpecialType is not (SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_Single
                or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_IntPtr or SpecialType.System_UIntPtr);
        if (!ok)
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.BadBufferType, location, role.ToLowerInvariant(), type.ToDisplayString(), handler));
    }

    private static string Hex(uint code) => "0x" + code.ToString("X8", CultureInfo.InvariantCulture) + "u";

    private static string ModesExpression(int modes)
    {
        if (modes == 0)
            return Rt + "IoctlModes.None";
        var parts = new List<string>();
        if ((modes & 1) != 0)
            parts.Add(Rt + "IoctlModes.P2P");
        if ((modes & 2) != 0)
            parts.Add(Rt + "IoctlModes.MP");
        if ((modes & 4) != 0)
            parts.Add(Rt + "IoctlModes.ControlDevice");
        int rest = modes & ~7;
        if (rest != 0)
            parts.Add("(" + Rt + "IoctlModes)" + rest.ToString(CultureInfo.InvariantCulture));
        return string.Join(" | ", parts);
    }

    private static string SizeExpression(string? type) => type is null ? "0" : "sizeof(" + type + ")";

    internal static string? Generate(EquatableArray<HandlerDecl> group, List<DiagnosticInfo> diagnostics, out string hintName)
    {
        var first = group[0];
        hintName = SafeHintName(first.TypeKey) + ".IoctlDispatch.g.cs";
        foreach (var h in group)
            diagnostics.AddRange(h.Diagnostics);

        var notPartial = first.Types.FirstOrDefault(t => !t.IsPartial);
        if (notPartial is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.TypeNotPartial, first.Location, notPartial.DisplayName));
            return null;
        }

        // Cross-handler rules: one function per handler, one state type.
        var handlers = new List<HandlerDecl>();
        var byFunction = new Dictionary<int, HandlerDecl>();
        HandlerDecl? stateOwner = null;
        foreach (var h in group)
        {
            if (h.StateType is not null)
            {
                if (stateOwner is null)
                {
                    stateOwner = h;
                }
                else if (h.StateType != stateOwner.StateType)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.MixedStateTypes, h.Location, h.MethodName,
                        h.StateType.Replace("global::", string.Empty), stateOwner.MethodName,
                        stateOwner.StateType!.Replace("global::", string.Empty)));
                    continue;
                }
            }
            if (h.Function != 0 && byFunction.TryGetValue(h.Function, out var existing))
            {
                diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.DuplicateFunction, h.Location,
                    h.Function.ToString(CultureInfo.InvariantCulture), existing.MethodName, h.MethodName));
                continue;
            }
            if (h.Function != 0)
                byFunction[h.Function] = h;
            if (h.Valid)
                handlers.Add(h);
        }
        if (stateOwner is null)
            return null;
        handlers.Sort((a, b) => a.Function.CompareTo(b.Function));

        string state = stateOwner.StateType!;
        int level = System.Math.Min(first.TypeAccess, stateOwner.StateAccess);
        string access = level >= 3 ? "public" : level == 2 ? "internal" : "private";
        bool needsUnsafe = handlers.Any(h => (h.Input is not null && !h.InputIsInteger) || (h.Output is not null && !h.OutputIsInteger));
        string unsafeKeyword = needsUnsafe ? "unsafe " : string.Empty;

        var sb = new StringBuilder();
        sb.Append("// <auto-generated/> by OvpnDco.Generators.Dispatch.IoctlDispatchGenerator\n");
        sb.Append("#nullable enable\n");
        string indent = string.Empty;
        if (first.Namespace.Length > 0)
        {
            sb.Append("namespace ").Append(first.Namespace).Append("\n{\n");
            indent = "    ";
        }
        foreach (var t in first.Types)
        {
            sb.Append(indent).Append(t.Keyword).Append(' ').Append(t.Name).Append('\n');
            sb.Append(indent).Append("{\n");
            indent += "    ";
        }

        string i1 = indent, i2 = indent + "    ", i3 = i2 + "    ", i4 = i3 + "    ";
        sb.Append(i1).Append("/// <summary>The number of IOCTLs this type handles.</summary>\n");
        sb.Append(i1).Append(access).Append(" const int IoctlCount = ").Append(handlers.Count.ToString(CultureInfo.InvariantCulture)).Append(";\n\n");

        sb.Append(i1).Append("/// <summary>\n");
        sb.Append(i1).Append("/// Runs the handler of <paramref name=\"code\"/>: unknown codes give STATUS_INVALID_DEVICE_REQUEST, codes not valid in\n");
        sb.Append(i1).Append("/// <paramref name=\"mode\"/> STATUS_INVALID_DEVICE_STATE (on the control device STATUS_INVALID_DEVICE_REQUEST), an input or output\n");
        sb.Append(i1).Append("/// shorter than the request's struct STATUS_BUFFER_TOO_SMALL;\n");
        sb.Append(i1).Append("/// otherwise the output struct's bytes are zeroed, <paramref name=\"bytesReturned\"/> is 0 and the handler's status is returned.\n");
        sb.Append(i1).Append("/// </summary>\n");
        sb.Append(i1).Append(access).Append(" static ").Append(unsafeKeyword).Append(Rt).Append("NtStatus DispatchIoctl(ref ").Append(state)
            .Append(" state, ").Append(Rt).Append("IoctlModes mode, uint code, global::System.ReadOnlySpan<byte> input, global::System.Span<byte> output, ref int bytesReturned)\n");
        sb.Append(i1).Append("{\n");
        sb.Append(i2).Append("bytesReturned = 0;\n");
        sb.Append(i2).Append("switch (code)\n");
        sb.Append(i2).Append("{\n");
        foreach (var h in handlers)
        {
            sb.Append(i3).Append("case ").Append(Hex(h.Code)).Append(": // function ").Append(h.Function.ToString(CultureInfo.InvariantCulture))
                .Append(" -> ").Append(h.MethodName).Append('\n');
            sb.Append(i4).Append("if ((mode & (").Append(ModesExpression(h.Modes)).Append(")) == 0)\n");
            sb.Append(i4).Append("    return ").Append(WrongModeStatus).Append(";\n");
            if (h.Input is not null)
            {
                sb.Append(i4).Append("if (input.Length < ").Append(SizeExpression(h.Input)).Append(")\n");
                sb.Append(i4).Append("    return ").Append(Rt).Append("NtStatus.BufferTooSmall;\n");
            }
            if (h.Output is not null)
            {
                sb.Append(i4).Append("if (output.Length < ").Append(SizeExpression(h.Output)).Append(")\n");
                sb.Append(i4).Append("    return ").Append(Rt).Append("NtStatus.BufferTooSmall;\n");
                // Zero what a reply can return (one struct), not the caller's whole buffer: handlers that return
                // more (arrays) write every byte they return.
                sb.Append(i4).Append(Rt).Append("IoctlBuffer.Zero(output.Slice(0, ").Append(SizeExpression(h.Output)).Append("));\n");
            }
            sb.Append(i4).Append("return ").Append(h.MethodName).Append("(ref state, input, output, ref bytesReturned);\n");
        }
        sb.Append(i3).Append("default:\n");
        sb.Append(i4).Append("return ").Append(Rt).Append("NtStatus.InvalidDeviceRequest;\n");
        sb.Append(i2).Append("}\n");
        sb.Append(i1).Append("}\n\n");

        sb.Append(i1).Append("/// <summary>The dispatch-table row of <paramref name=\"code\"/>; false for a code this type does not handle.</summary>\n");
        sb.Append(i1).Append(access).Append(" static ").Append(unsafeKeyword).Append("bool TryGetIoctlEntry(uint code, out ").Append(Rt).Append("IoctlEntry entry)\n");
        sb.Append(i1).Append("{\n");
        sb.Append(i2).Append("entry = default;\n");
        sb.Append(i2).Append("switch (code)\n");
        sb.Append(i2).Append("{\n");
        foreach (var h in handlers)
        {
            sb.Append(i3).Append("case ").Append(Hex(h.Code)).Append(":\n");
            sb.Append(i4).Append("entry.Code = ").Append(Hex(h.Code)).Append(";\n");
            sb.Append(i4).Append("entry.Function = ").Append(h.Function.ToString(CultureInfo.InvariantCulture)).Append(";\n");
            sb.Append(i4).Append("entry.MinInput = ").Append(SizeExpression(h.Input)).Append(";\n");
            sb.Append(i4).Append("entry.MinOutput = ").Append(SizeExpression(h.Output)).Append(";\n");
            sb.Append(i4).Append("entry.Modes = ").Append(ModesExpression(h.Modes)).Append(";\n");
            sb.Append(i4).Append("return true;\n");
        }
        sb.Append(i3).Append("default:\n");
        sb.Append(i4).Append("return false;\n");
        sb.Append(i2).Append("}\n");
        sb.Append(i1).Append("}\n\n");

        sb.Append(i1).Append("/// <summary>The code of the <paramref name=\"index\"/>-th IOCTL (by function number), or 0 past the end.</summary>\n");
        sb.Append(i1).Append(access).Append(" static uint IoctlCodeAt(int index)\n");
        sb.Append(i1).Append("{\n");
        sb.Append(i2).Append("switch (index)\n");
        sb.Append(i2).Append("{\n");
        for (int k = 0; k < handlers.Count; k++)
        {
            sb.Append(i3).Append("case ").Append(k.ToString(CultureInfo.InvariantCulture)).Append(": return ").Append(Hex(handlers[k].Code))
                .Append(";\n");
        }
        sb.Append(i3).Append("default: return 0u;\n");
        sb.Append(i2).Append("}\n");
        sb.Append(i1).Append("}\n");

        for (int k = first.Types.Length - 1; k >= 0; k--)
        {
            indent = indent.Substring(4);
            sb.Append(indent).Append("}\n");
        }
        if (first.Namespace.Length > 0)
            sb.Append("}\n");
        return sb.ToString();
    }

    private static string SafeHintName(string typeKey)
    {
        var sb = new StringBuilder();
        foreach (char c in typeKey.Replace("global::", string.Empty))
            sb.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        return sb.ToString();
    }
}
