using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.MemoryExtensions: SequenceEqual, IndexOf (bytes), AsSpan over static tables.</summary>
internal static class MemoryExtensionsPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.MemoryExtensions";
        r.Add(type, "SequenceEqual", SequenceEqual, ParamCount(2));
        r.Add(type, "IndexOf", IndexOf, ParamCount(2));
        r.Add(type, "AsSpan", AsSpan, Params("T[]"));
    }

    private static Expr SequenceEqual(PlugCall c)
    {
        var a = SpanShapes.Value(c, c[0]);
        var b = SpanShapes.Value(c, c[1]);
        return SpanShapes.Bool(
            $"ovpn_rt_span_equal({SpanShapes.Ptr(a)}, {SpanShapes.Len(a)}, {SpanShapes.Ptr(b)}, {SpanShapes.Len(b)}, {SpanShapes.Size(a.Type.SpanElement!)})", a, b);
    }

    private static Expr IndexOf(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        if (span.Type.SpanElement!.Size != 1 || !c[1].Type.IsInteger)
            throw new CompileError(ErrorCodes.UnsupportedCall, "IndexOf is plugged for byte spans and a single byte value only");
        var value = CExprs.Coerce(c[1], CType.U8);
        return SpanShapes.Int($"ovpn_rt_index_of_u8((const uint8_t *){SpanShapes.Ptr(span)}, {SpanShapes.Len(span)}, {value.Text})", span, value);
    }

    private static Expr AsSpan(PlugCall c)
    {
        var table = c[0];
        if (table.ArrayLength == null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, "AsSpan needs a static readonly table in kernel code");
        var span = c.ReturnType;
        return SpanShapes.Make(span, SpanShapes.TablePointer(table, span.SpanElement!), table.ArrayLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), table);
    }
}
