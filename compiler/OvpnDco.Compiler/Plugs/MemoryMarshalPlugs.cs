using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Runtime.InteropServices.MemoryMarshal: reinterpreting spans without copies.</summary>
internal static class MemoryMarshalPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Runtime.InteropServices.MemoryMarshal";
        r.Add(type, "GetReference", c =>
        {
            var span = SpanShapes.Value(c, c[0]);
            return new Expr(SpanShapes.Ptr(span), CType.PointerTo(span.Type.SpanElement!), Prec.Primary) { Impure = true, Reads = span.Reads };
        });
        r.Add(type, "Cast", Cast);
        r.Add(type, "AsBytes", AsBytes);
        r.Add(type, "Read", Read);
        r.Add(type, "Write", Write);
        r.Add(type, "CreateSpan", Create);
        r.Add(type, "CreateReadOnlySpan", Create);
    }

    private static Expr Cast(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var from = c.MethodTypeArg(0);
        var to = c.MethodTypeArg(1);
        var result = c.ReturnType;
        var len = $"(int32_t)((uint64_t)(uint32_t){SpanShapes.Len(span)} * {SpanShapes.Size(from)} / {SpanShapes.Size(to)})";
        return SpanShapes.Make(result, $"({CType.PointerTo(to).Name}){SpanShapes.Ptr(span)}", len, span);
    }

    private static Expr AsBytes(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var elem = span.Type.SpanElement!;
        var len = elem.Size == 1 ? SpanShapes.Len(span) : $"ovpn_rt_mul_ovf_i32({SpanShapes.Len(span)}, (int32_t){SpanShapes.Size(elem)})";
        return SpanShapes.Make(c.ReturnType, $"(uint8_t *){SpanShapes.Ptr(span)}", len, span);
    }

    private static Expr? Read(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var type = c.MethodTypeArg(0);
        var temp = c.Lowering.NewTempName(type, TypeHint(type));
        c.Statement($"ovpn_rt_memmove(&{temp}, {SpanShapes.Ptr(span)} + ovpn_rt_check_slice(0, (int32_t)sizeof({temp}), {SpanShapes.Len(span)}), sizeof({temp}));");
        return new Expr(temp, type, Prec.Primary) { Reads = new System.Collections.Generic.HashSet<string> { temp } };
    }

    private static Expr? Write(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var value = c[1];
        c.Statement($"ovpn_rt_memmove({SpanShapes.Ptr(span)} + ovpn_rt_check_slice(0, (int32_t)sizeof(*{value.At(Prec.Unary)}), {SpanShapes.Len(span)}), {value.Text}, sizeof(*{value.At(Prec.Unary)}));");
        return null;
    }

    private static Expr Create(PlugCall c)
    {
        var p = c[0];
        var len = CExprs.As32(c[1], false);
        var result = c.ReturnType;
        var ptr = CExprs.Coerce(p, CType.PointerTo(result.SpanElement!), assignment: true);
        return SpanShapes.Make(result, ptr.Text, len.Constant is >= 0 ? len.Text : $"ovpn_rt_check_length({len.Text})", p, len);
    }

    /// <summary><c>OvpnDco_Uapi_OvpnNewPeer</c> → <c>new_peer</c>: what a value read from a buffer is called.</summary>
    internal static string TypeHint(CType type)
    {
        var name = type.Name.Substring(type.Name.LastIndexOf('_') + 1);
        if (name.StartsWith("Ovpn", System.StringComparison.Ordinal) && name.Length > 4)
            name = name.Substring(4);
        return Names.UpperSnake(name).ToLowerInvariant();
    }
}
