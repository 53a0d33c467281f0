using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// System.Buffers.Binary.BinaryPrimitives: endian reads and writes through unaligned byte access. All our
/// targets (x86, x64, ARM64 Windows; Linux hosts) are little-endian: big-endian access swaps bytes.
/// </summary>
internal static class BinaryPrimitivesPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Buffers.Binary.BinaryPrimitives";
        foreach (var (name, t) in new[] { ("Int16", CType.I16), ("UInt16", CType.U16), ("Int32", CType.I32), ("UInt32", CType.U32), ("Int64", CType.I64), ("UInt64", CType.U64) })
        {
            r.Add(type, $"Read{name}BigEndian", c => Read(c, t, bigEndian: true));
            r.Add(type, $"Read{name}LittleEndian", c => Read(c, t, bigEndian: false));
            r.Add(type, $"Write{name}BigEndian", c => Write(c, t, bigEndian: true));
            r.Add(type, $"Write{name}LittleEndian", c => Write(c, t, bigEndian: false));
        }
        r.Add(type, "ReverseEndianness", Reverse, ParamCount(1));
    }

    private static string Swap(int bits, string value) => $"ovpn_rt_bswap{bits}({value})";

    private static Expr Read(PlugCall c, CType t, bool bigEndian)
    {
        var span = SpanShapes.Value(c, c[0]);
        var bits = t.Size * 8;
        var raw = $"ovpn_rt_read_u{bits}({SpanShapes.CheckedAt(span, 0, t.Size.ToString(System.Globalization.CultureInfo.InvariantCulture))})";
        var text = bigEndian ? Swap(bits, raw) : raw;
        var e = new Expr(text, t.WithSign(true), Prec.Primary) { Impure = true, Reads = span.Reads };
        return t.Unsigned ? e : CExprs.Cast(e, t);
    }

    private static Expr? Write(PlugCall c, CType t, bool bigEndian)
    {
        var span = SpanShapes.Value(c, c[0]);
        var bits = t.Size * 8;
        var value = CExprs.Coerce(CExprs.Normalize(c[1]), t.WithSign(true));
        var v = bigEndian ? Swap(bits, value.Text) : value.Text;
        c.Statement($"ovpn_rt_write_u{bits}({SpanShapes.CheckedAt(span, 0, t.Size.ToString(System.Globalization.CultureInfo.InvariantCulture))}, {v});");
        return null;
    }

    private static Expr Reverse(PlugCall c)
    {
        var t = c.ReturnType;
        if (t.Size == 1)
            return c[0];
        var value = CExprs.Coerce(CExprs.Normalize(c[0]), t.WithSign(true));
        var e = new Expr(Swap(t.Size * 8, value.Text), t.WithSign(true), Prec.Primary) { Impure = c[0].Impure, Reads = c[0].Reads };
        return t.Unsigned ? e : CExprs.Cast(e, t);
    }
}
