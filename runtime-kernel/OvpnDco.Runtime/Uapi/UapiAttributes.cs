using System;

namespace OvpnDco.Runtime.Uapi;

/// <summary>
/// Declares a blittable struct as part of the user/kernel ABI. The uapi header generator
/// (compiler/OvpnDco.Generators) emits it into <c>uapi.h</c> as
/// <c>typedef struct _CName { ... } CName, *PCName;</c> with <c>_Static_assert</c>s of its size,
/// alignment and every field offset. The struct must use <c>[StructLayout(LayoutKind.Explicit, Size = N)]</c>
/// with a <c>[FieldOffset]</c> on every field: the C# offsets are the ABI, and the generator checks that a C
/// compiler lays the same fields out at the same offsets.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class UapiStructAttribute : Attribute
{
    public UapiStructAttribute(string cName) => CName = cName;

    /// <summary>The typedef name in the C header (upstream's name, e.g. <c>OVPN_NEW_PEER</c>).</summary>
    public string CName { get; }
}

/// <summary>
/// Declares a struct whose fields all sit at offset 0 as a C union that the header writes inline, as an
/// anonymous <c>union { ... } Field;</c> at every use (upstream's <c>Local</c>/<c>Remote</c>/<c>Addr</c> unions).
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class UapiUnionAttribute : Attribute
{
}

/// <summary>
/// Declares the C# mirror of a type that the platform headers define (<c>SOCKADDR_IN</c>, <c>IN6_ADDR</c>, ...).
/// The header does not define it; it uses <see cref="CName"/> and asserts its size, alignment and the offsets of the
/// fields that carry a <see cref="UapiNameAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class UapiExternalAttribute : Attribute
{
    public UapiExternalAttribute(string cName, int alignment)
    {
        CName = cName;
        Alignment = alignment;
    }

    /// <summary>The platform's type name (e.g. <c>SOCKADDR_IN6</c>).</summary>
    public string CName { get; }

    /// <summary>The C alignment of the platform type (same on x86, x64 and ARM64).</summary>
    public int Alignment { get; }
}

/// <summary>
/// Declares an enum for the header. By default it is emitted as <c>typedef enum _CName { ... } CName;</c>
/// (4 bytes with MSVC, so the underlying type must be <c>int</c>); with <see cref="Defines"/> every member
/// becomes a <c>#define</c> and fields of the enum type use the C type of its underlying integer (flag sets).
/// Member C names are <see cref="Prefix"/> + the member name in UPPER_SNAKE_CASE unless a member carries a
/// <see cref="UapiNameAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Enum, AllowMultiple = false, Inherited = false)]
public sealed class UapiEnumAttribute : Attribute
{
    public UapiEnumAttribute(string cName) => CName = cName;

    /// <summary>The C typedef name; for <see cref="Defines"/> enums only used in comments.</summary>
    public string CName { get; }

    /// <summary>Prefix of the member names (e.g. <c>OVPN_PROTO_</c>).</summary>
    public string? Prefix { get; set; }

    /// <summary>Emit the members as <c>#define</c> constants instead of a C enum.</summary>
    public bool Defines { get; set; }
}

/// <summary>
/// The C name of a field, enum member or IOCTL constant when it differs from the C# name. On fields of an
/// <see cref="UapiExternalAttribute"/> type it names the platform's field so that its offset is asserted.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class UapiNameAttribute : Attribute
{
    public UapiNameAttribute(string cName) => CName = cName;

    public string CName { get; }
}

/// <summary>
/// The C type spelling of a field when the default for its C# type is not upstream's (e.g. <c>LONG</c> for an
/// <c>int</c> field; the default is <c>int</c>). The spelling must have the same size as the C# type.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class UapiTypeAttribute : Attribute
{
    public UapiTypeAttribute(string cType) => CType = cType;

    public string CType { get; }
}

/// <summary>
/// Declares a <c>const uint</c> as an IOCTL code of the ABI. The header gets
/// <c>#define CName CTL_CODE(FILE_DEVICE_UNKNOWN, Function, METHOD_BUFFERED, FILE_ANY_ACCESS)</c> and an assertion
/// of the numeric value; the generator checks that the constant equals that formula.
/// <see cref="Input"/>, <see cref="Output"/> and <see cref="Modes"/> document the request (and are what
/// driver handlers must declare in their <see cref="IoctlAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class UapiIoctlAttribute : Attribute
{
    public UapiIoctlAttribute(string cName, int function)
    {
        CName = cName;
        Function = function;
    }

    public string CName { get; }

    /// <summary>The CTL_CODE function number (1..4095).</summary>
    public int Function { get; }

    /// <summary>The input struct (its size is the minimum input length), or null for none.</summary>
    public Type? Input { get; set; }

    /// <summary>The output struct (its size is the minimum output length), or null for none.</summary>
    public Type? Output { get; set; }

    /// <summary>The device modes in which the IOCTL is valid.</summary>
    public IoctlModes Modes { get; set; } = IoctlModes.Any;

    /// <summary>True for requests seen only in later or forked upstream sources (UAPI.md "unconfirmed").</summary>
    public bool Unconfirmed { get; set; }
}

/// <summary>
/// Declares a <c>const</c> integer for the header as <c>#define CName value</c> (e.g. buffer sizes).
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class UapiConstantAttribute : Attribute
{
    public UapiConstantAttribute(string cName) => CName = cName;

    public string CName { get; }
}
