using OvpnDco.Generators.Common;

namespace OvpnDco.Generators.Uapi;

internal enum UapiKind
{
    Struct,
    Union,
    External,
    Enum,
}

internal enum FieldKind
{
    Primitive,
    Enum,
    Struct,
    FixedBuffer,
    Invalid,
}

/// <summary>
/// The type of a field. <see cref="TypeName"/> is the fully qualified C# name of a struct or enum;
/// <see cref="Primitive"/> is the C# keyword of the primitive, of the enum's underlying type, or of the fixed
/// buffer's element; <see cref="Count"/> is the fixed buffer length.
/// </summary>
internal sealed record FieldType(FieldKind Kind, string TypeName, string Primitive, int PrimitiveSize, int Count);

/// <summary>An instance field of a UAPI struct; <see cref="Offset"/> is its [FieldOffset] or -1.</summary>
internal sealed record FieldDecl(string Name, string? UapiName, string? CTypeOverride, FieldType Type, int Offset,
    LocationInfo? Location);

internal sealed record EnumMemberDecl(string Name, string? UapiName, ulong Bits);

/// <summary>A [UapiStruct], [UapiUnion], [UapiExternal] or [UapiEnum] declaration.</summary>
internal sealed record TypeDecl(
    UapiKind Kind,
    string FullName,
    string DisplayName,
    string CName,
    int DeclaredSize,
    bool ExplicitLayout,
    int ExternalAlign,
    EquatableArray<FieldDecl> Fields,
    EquatableArray<EnumMemberDecl> Members,
    string Prefix,
    bool Defines,
    string EnumUnderlying,
    SourceOrder Order,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A [UapiIoctl] constant.</summary>
internal sealed record IoctlDecl(
    string DisplayName,
    string CName,
    int Function,
    ulong Value,
    string? Input,
    string? Output,
    int Modes,
    bool Unconfirmed,
    SourceOrder Order,
    LocationInfo? Location,
    EquatableArray<DiagnosticInfo> Diagnostics);
