using System.Collections.Generic;
using System.Linq;
using System.Text;
using Mono.Cecil;

namespace OvpnDco.Compiler.Metadata;

/// <summary>
/// Stable C names derived from namespace, type and method names (never from metadata tokens or order),
/// so the same IL always gives the same C.
/// </summary>
public static class Names
{
    private static readonly HashSet<string> CReserved = new()
    {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
        "bool", "true", "false", "NULL", "main", "errno", "assert", "offsetof", "alignof", "abort",
    };

    /// <summary>Short names of primitives in mangled names (generic arguments, overload suffixes).</summary>
    public static string Short(TypeReference t) => t.MetadataType switch
    {
        MetadataType.Boolean => "bool",
        MetadataType.Char => "char",
        MetadataType.SByte => "i8",
        MetadataType.Byte => "u8",
        MetadataType.Int16 => "i16",
        MetadataType.UInt16 => "u16",
        MetadataType.Int32 => "i32",
        MetadataType.UInt32 => "u32",
        MetadataType.Int64 => "i64",
        MetadataType.UInt64 => "u64",
        MetadataType.IntPtr => "nint",
        MetadataType.UIntPtr => "nuint",
        MetadataType.Void => "void",
        MetadataType.String => "str",
        _ => t switch
        {
            PointerType p => Short(p.ElementType) + "ptr",
            ByReferenceType r => Short(r.ElementType) + "ref",
            RequiredModifierType m => Short(m.ElementType),
            GenericInstanceType g => Identifier(StripArity(g.ElementType.Name)) + "_" +
                                     string.Join("_", g.GenericArguments.Select(Short)),
            FunctionPointerType => "fnptr",
            _ => Identifier(StripArity(t.Name)),
        },
    };

    /// <summary><c>OvpnDco.Driver.Peer</c> → <c>OvpnDco_Driver_Peer</c>; nested types join with '_'.</summary>
    public static string Type(TypeReference t)
    {
        // A generic instance is named by its type and arguments without the namespace (BoundPlatform_KernelImports).
        if (t is GenericInstanceType git)
            return (git.ElementType.DeclaringType != null ? Type(git.ElementType.DeclaringType) + "_" : "") +
                   Identifier(StripArity(git.ElementType.Name)) + "_" + string.Join("_", git.GenericArguments.Select(Short));
        // A fixed buffer's compiler-made struct '<Field>e__FixedBuffer' is named after its field: Type_Field_buf.
        var own = t.Name.EndsWith("e__FixedBuffer", System.StringComparison.Ordinal) && t.Name.StartsWith('<')
            ? Identifier(t.Name.Substring(1, t.Name.IndexOf('>') - 1)) + "_buf"
            : Identifier(StripArity(t.Name));
        if (t.DeclaringType != null)
            return Type(t.DeclaringType) + "_" + own;
        return string.IsNullOrEmpty(t.Namespace) ? own : Identifier(t.Namespace.Replace('.', '_')) + "_" + own;
    }

    public static string StripArity(string name)
    {
        var tick = name.IndexOf('`');
        return tick < 0 ? name : name.Substring(0, tick);
    }

    /// <summary>Makes any metadata name a valid, readable C identifier.</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        var s = sb.ToString().Trim('_');
        while (s.Contains("__"))
            s = s.Replace("__", "_");
        if (s.Length == 0)
            s = "x";
        if (char.IsAsciiDigit(s[0]))
            s = "_" + s;
        return s;
    }

    /// <summary><c>TxQueue</c> → <c>tx_queue</c>, <c>s_controlDevice</c> → <c>s_control_device</c>: function, global and temporary names.</summary>
    public static string Snake(string name)
    {
        var s = UpperSnake(Identifier(name)).ToLowerInvariant();
        while (s.Contains("__"))
            s = s.Replace("__", "_");
        return s.Trim('_');
    }

    /// <summary>A local or parameter name that cannot clash with C keywords or our generated names.</summary>
    public static string Variable(string name)
    {
        var id = Identifier(name);
        return CReserved.Contains(id) || id.StartsWith("ovpn_") || id.StartsWith("tmp") || id.StartsWith("stk")
            ? id + "_" : id;
    }

    /// <summary>
    /// <c>InvalidParameter</c> → <c>INVALID_PARAMETER</c>, <c>AesGcm</c> → <c>AES_GCM</c>, <c>Ipv4Only</c> → <c>IPV4_ONLY</c>,
    /// <c>ChaCha20Poly1305</c> → <c>CHA_CHA20_POLY1305</c>, <c>P2P</c> → <c>P2P</c> (a word starts at a capital after a
    /// lower-case letter, or at a capital followed by a lower-case letter).
    /// </summary>
    public static string UpperSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsAsciiLetterUpper(c) &&
                (char.IsAsciiLetterLower(name[i - 1]) ||
                 (char.IsAsciiLetterOrDigit(name[i - 1]) && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }
        return sb.ToString();
    }

    public static bool IsReserved(string id) => CReserved.Contains(id);
}
