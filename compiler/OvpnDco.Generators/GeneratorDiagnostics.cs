using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace OvpnDco.Generators;

/// <summary>The generators' diagnostics (OVDGxxxx), all errors. Documented in docs/diagnostics.md.</summary>
public static class GeneratorDiagnostics
{
    private const string Category = "OvpnDco.Generators";
    private const string HelpBase = "docs/diagnostics.md#";

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant());

    /// <summary>Two IOCTLs with one function number.</summary>
    public static readonly DiagnosticDescriptor DuplicateFunction = Error("OVDG0001",
        "Duplicate IOCTL function number",
        "IOCTL function {0} is declared twice: '{1}' and '{2}' (every IOCTL needs its own function number)");

    /// <summary>A UAPI struct field whose type has no fixed C layout.</summary>
    public static readonly DiagnosticDescriptor NotBlittable = Error("OVDG0002",
        "UAPI struct is not blittable",
        "Field '{0}.{1}' has type '{2}', which cannot cross the user/kernel boundary: {3}");

    /// <summary>A UAPI struct without explicit layout.</summary>
    public static readonly DiagnosticDescriptor NeedsExplicitLayout = Error("OVDG0003",
        "UAPI struct needs explicit layout",
        "'{0}' must have [StructLayout(LayoutKind.Explicit, Size = N)] and a [FieldOffset] on every instance field: {1}");

    /// <summary>C# offsets that a C compiler would not reproduce.</summary>
    public static readonly DiagnosticDescriptor LayoutMismatch = Error("OVDG0004",
        "C# layout differs from the C layout",
        "'{0}': {1}");

    /// <summary>A handler with the wrong signature.</summary>
    public static readonly DiagnosticDescriptor BadHandlerSignature = Error("OVDG0005",
        "IOCTL handler has the wrong signature",
        "IOCTL handler '{0}' must be 'static NtStatus {0}(ref TState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)': {1}");

    /// <summary>Handlers in a type that is not partial.</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Error("OVDG0006",
        "IOCTL handler type must be partial",
        "Type '{0}' holds [Ioctl] handlers, so it and every type containing it must be declared 'partial' (the dispatch table is generated into it)");

    /// <summary>Handlers of one type with different state types.</summary>
    public static readonly DiagnosticDescriptor MixedStateTypes = Error("OVDG0007",
        "IOCTL handlers disagree on the state type",
        "IOCTL handler '{0}' takes 'ref {1}' but '{2}' takes 'ref {3}'; all handlers of a type share one state type");

    /// <summary>An Input/Output type of a handler that is not blittable.</summary>
    public static readonly DiagnosticDescriptor BadBufferType = Error("OVDG0008",
        "IOCTL buffer type is not blittable",
        "The {0} type '{1}' of IOCTL handler '{2}' must be an unmanaged struct or integer (its size is the minimum buffer length)");

    /// <summary>An IOCTL code or function number outside the ovpn-dco scheme.</summary>
    public static readonly DiagnosticDescriptor BadIoctlCode = Error("OVDG0009",
        "Invalid IOCTL code",
        "'{0}': {1}");

    /// <summary>Two header declarations with one C name.</summary>
    public static readonly DiagnosticDescriptor DuplicateCName = Error("OVDG0010",
        "Duplicate C name in uapi.h",
        "C name '{0}' is declared by both '{1}' and '{2}'");

    /// <summary>A UAPI union whose members do not all start at offset 0.</summary>
    public static readonly DiagnosticDescriptor BadUnion = Error("OVDG0011",
        "UAPI union member not at offset 0",
        "'{0}.{1}' is at offset {2}; every member of a [UapiUnion] must be at [FieldOffset(0)]");

    /// <summary>A UAPI enum with an underlying type C cannot express.</summary>
    public static readonly DiagnosticDescriptor BadEnum = Error("OVDG0012",
        "UAPI enum has the wrong underlying type",
        "'{0}' has underlying type '{1}'; a C enum is a 4-byte int, so a [UapiEnum] must be 'int' (or set Defines = true for #define constants)");

    /// <summary>A handler whose request shape differs from the uapi's declaration of its IOCTL.</summary>
    public static readonly DiagnosticDescriptor ShapeMismatch = Error("OVDG0013",
        "IOCTL handler differs from the uapi declaration",
        "IOCTL handler '{0}' declares {1} but {2} declares {3}; the uapi (OvpnDco.Uapi.OvpnIoctl) is the single source of truth");

    /// <summary>A trace provider or event the generator cannot turn into C.</summary>
    public static readonly DiagnosticDescriptor BadTraceEvent = Error("OVDG0014",
        "Invalid trace event declaration",
        "Trace provider '{0}': {1}");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = new()
    {
        [BadTraceEvent.Id] = BadTraceEvent,
        [ShapeMismatch.Id] = ShapeMismatch,
        [DuplicateFunction.Id] = DuplicateFunction,
        [NotBlittable.Id] = NotBlittable,
        [NeedsExplicitLayout.Id] = NeedsExplicitLayout,
        [LayoutMismatch.Id] = LayoutMismatch,
        [BadHandlerSignature.Id] = BadHandlerSignature,
        [TypeNotPartial.Id] = TypeNotPartial,
        [MixedStateTypes.Id] = MixedStateTypes,
        [BadBufferType.Id] = BadBufferType,
        [BadIoctlCode.Id] = BadIoctlCode,
        [DuplicateCName.Id] = DuplicateCName,
        [BadUnion.Id] = BadUnion,
        [BadEnum.Id] = BadEnum,
    };

    internal static DiagnosticDescriptor ById(string id) => All[id];
}
