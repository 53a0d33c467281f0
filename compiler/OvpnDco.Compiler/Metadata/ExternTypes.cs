using System.Linq;
using Mono.Cecil;

namespace OvpnDco.Compiler.Metadata;

/// <summary>Reads [ExternType] and [CName] (matched by name, like <see cref="Imports"/>).</summary>
public static class ExternTypes
{
    public const string ExternTypeAttribute = "OvpnDco.Runtime.ExternTypeAttribute";
    public const string CNameAttribute = "OvpnDco.Runtime.CNameAttribute";

    /// <summary>The C name and header of an [ExternType] type, or null.</summary>
    public static (string CName, string? Header)? Of(TypeDefinition type)
    {
        var attr = type.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == ExternTypeAttribute);
        if (attr == null || attr.ConstructorArguments.Count != 1)
            return null;
        var header = attr.Properties.FirstOrDefault(p => p.Name == "Header").Argument.Value as string;
        return ((string)attr.ConstructorArguments[0].Value, header);
    }

    /// <summary>Whether an [ExternType] is a pointer type whose one nint field is the pointer (IsHandle = true).</summary>
    public static bool IsHandle(TypeDefinition type) =>
        type.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == ExternTypeAttribute)?
            .Properties.FirstOrDefault(p => p.Name == "IsHandle").Argument.Value is true;

    /// <summary>The [CName] of a field, or null.</summary>
    public static string? CNameOf(FieldReference field)
    {
        FieldDefinition? def;
        try
        {
            def = field as FieldDefinition ?? field.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
        return def?.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == CNameAttribute) is { ConstructorArguments.Count: 1 } attr
            ? attr.ConstructorArguments[0].Value as string
            : null;
    }
}

/// <summary>
/// Calling conventions that C must spell: <c>delegate* unmanaged[Stdcall]</c> and
/// <c>[UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]</c> print <c>OVPN_RT_STDCALL</c>
/// (<c>__stdcall</c> under MSVC, where only x86 honours it; empty elsewhere), so a callback matches the header's
/// NTAPI function-pointer types. Anything else keeps the platform default, which is what the header's unannotated
/// callback types (IO_COMPLETION_ROUTINE) use too.
/// </summary>
public static class CallingConventions
{
    public const string Stdcall = "OVPN_RT_STDCALL ";

    /// <summary>The calling convention a function pointer to <paramref name="m"/> has (what ldftn pushes).</summary>
    public static MethodCallingConvention PointerConvention(MethodDefinition m) =>
        Of(m).Length > 0 ? MethodCallingConvention.StdCall : MethodCallingConvention.Default;

    public static string Of(FunctionPointerType fp)
    {
        if (fp.CallingConvention == MethodCallingConvention.StdCall)
            return Stdcall;
        return fp.CallingConvention == MethodCallingConvention.Unmanaged && HasModifier(fp.ReturnType, "CallConvStdcall") ? Stdcall : "";
    }

    public static string Of(MethodDefinition m)
    {
        var attr = m.CustomAttributes.FirstOrDefault(a =>
            a.AttributeType.FullName == "System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute");
        if (attr == null)
            return "";
        // CallConvs is a field of the attribute, not a property.
        var convs = attr.Fields.Concat(attr.Properties).FirstOrDefault(p => p.Name == "CallConvs").Argument.Value as CustomAttributeArgument[];
        return convs != null && convs.Any(c => c.Value is TypeReference t && t.Name == "CallConvStdcall") ? Stdcall : "";
    }

    private static bool HasModifier(TypeReference t, string name)
    {
        for (;;)
        {
            switch (t)
            {
                case OptionalModifierType om:
                    if (om.ModifierType.Name == name)
                        return true;
                    t = om.ElementType;
                    continue;
                case RequiredModifierType rm:
                    if (rm.ModifierType.Name == name)
                        return true;
                    t = rm.ElementType;
                    continue;
                default:
                    return false;
            }
        }
    }
}
