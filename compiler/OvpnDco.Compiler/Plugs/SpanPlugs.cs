using System.Linq;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// System.Span&lt;T&gt; and System.ReadOnlySpan&lt;T&gt;: a C struct { T *ptr; int32_t len; }. Indexing and slicing
/// are bounds-checked (ovpn_rt_check_index / ovpn_rt_check_slice fail fast) unless --no-bounds-checks.
/// </summary>
internal static class SpanPlugs
{
    public static void Register(PlugRegistry r)
    {
        foreach (var type in new[] { "System.Span`1", "System.ReadOnlySpan`1" })
        {
            r.Add(type, ".ctor", FromPointer, Params("Void*", "Int32"));
            r.Add(type, ".ctor", FromTable, Params("T[]"));
            r.Add(type, ".ctor", FromTableSlice, Params("T[]", "Int32", "Int32"));
            r.Add(type, ".ctor", FromRef, Params("T&"));
            r.Add(type, "get_Item", Item);
            r.Add(type, "get_Length", c => SpanShapes.Int(SpanShapes.Len(SpanShapes.Value(c, c[0])), c[0]) with { Range = (0, int.MaxValue) });
            r.Add(type, "get_IsEmpty", c => SpanShapes.Bool($"{SpanShapes.Len(SpanShapes.Value(c, c[0]))} == 0", c[0]) with { Precedence = Prec.Equality });
            r.Add(type, "get_Empty", c => SpanShapes.Make(c.Lowering.MapType(c.DeclaringType), "NULL", "0"));
            r.Add(type, "Slice", SliceFrom, ParamCount(1));
            r.Add(type, "Slice", SliceRange, ParamCount(2));
            r.Add(type, "CopyTo", c => Copy(c, "ovpn_rt_span_copy"));
            r.Add(type, "TryCopyTo", c => Copy(c, "ovpn_rt_span_try_copy"));
            r.Add(type, "GetPinnableReference", Pin);
            r.Add(type, "op_Implicit", Implicit);
        }
        r.Add("System.Span`1", "Fill", Fill);
        r.Add("System.Span`1", "Clear", Clear);
    }

    private static CType SpanType(PlugCall c) => c.Lowering.MapType(c.DeclaringType);

    private static CType Element(PlugCall c) => SpanType(c).SpanElement!;

    private static Expr? FromPointer(PlugCall c)
    {
        var span = SpanType(c);
        var ptr = CExprs.Coerce(c[c.IsNewObj ? 0 : 1], CType.PointerTo(span.SpanElement!), assignment: true);
        var len = CExprs.As32(c[c.IsNewObj ? 1 : 2], unsigned: false);
        var lenText = len.Constant is >= 0 || (len.SizeOf != null && !len.PendingCall) ? len.Text : $"ovpn_rt_check_length({len.Text})";
        return c.Construct(SpanShapes.Make(span, ptr.Text, lenText, c.Args.ToArray()));
    }

    private static Expr? FromTable(PlugCall c)
    {
        var table = c[c.IsNewObj ? 0 : 1];
        if (table.ArrayLength == null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, "spans over arrays need a static readonly table in kernel code");
        var span = SpanType(c);
        return c.Construct(SpanShapes.Make(span, SpanShapes.TablePointer(table, span.SpanElement!), table.ArrayLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), table));
    }

    private static Expr? FromTableSlice(PlugCall c)
    {
        var offset = c.IsNewObj ? 0 : 1;
        var table = c[offset];
        if (table.ArrayLength == null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, "spans over arrays need a static readonly table in kernel code");
        var span = SpanType(c);
        var start = c.Once(CExprs.As32(c[offset + 1], false), "offset");
        var length = c.Once(CExprs.As32(c[offset + 2], false), "len");
        var ptr = $"{SpanShapes.TablePointer(table, span.SpanElement!)} + ovpn_rt_check_slice({start.Text}, {length.Text}, {table.ArrayLength})";
        return c.Construct(SpanShapes.Make(span, ptr, length.Text, table, start, length));
    }

    private static Expr? FromRef(PlugCall c)
    {
        var span = SpanType(c);
        var p = CExprs.Coerce(c[c.IsNewObj ? 0 : 1], CType.PointerTo(span.SpanElement!), assignment: true);
        return c.Construct(SpanShapes.Make(span, p.Text, "1", p));
    }

    private static Expr Item(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var index = CExprs.As32(c[1], unsigned: false);
        var i = c.BoundsChecks ? $"ovpn_rt_check_index({index.Text}, {SpanShapes.Len(span)})" : index.Text;
        var lvalue = $"{SpanShapes.Ptr(span)}[{i}]";
        return new Expr($"&{lvalue}", CType.PointerTo(span.Type.SpanElement!), Prec.Unary)
        {
            AddressOf = lvalue,
            Impure = true,
            Reads = Expr.Union(span, index),
        };
    }

    private static Expr SliceFrom(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var start = c.Once(CExprs.As32(c[1], unsigned: false), "offset");
        var checkedStart = c.BoundsChecks ? $"ovpn_rt_check_slice({start.Text}, 0, {SpanShapes.Len(span)})" : start.Text;
        var slice = SpanShapes.Make(span.Type, $"{SpanShapes.Ptr(span)} + {checkedStart}", $"{SpanShapes.Len(span)} - {start.At(Prec.Additive + 1)}", span, start);
        return c.BoundsChecks && SpanShapes.Reusable(span) && !start.PendingCall ? slice with { SliceFrom = (span, start) } : slice;
    }

    private static Expr SliceRange(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var start = c.Once(CExprs.As32(c[1], unsigned: false), "offset");
        var length = c.Once(CExprs.As32(c[2], unsigned: false), "len");
        var checkedStart = c.BoundsChecks ? $"ovpn_rt_check_slice({start.Text}, {length.Text}, {SpanShapes.Len(span)})" : start.Text;
        return SpanShapes.Make(span.Type, $"{SpanShapes.Ptr(span)} + {checkedStart}", length.Text, span, start, length);
    }

    private static Expr? Copy(PlugCall c, string helper)
    {
        var source = SpanShapes.Value(c, c[0]);
        var destination = SpanShapes.Value(c, c[1]);
        var text = $"{helper}({SpanShapes.Ptr(destination)}, {SpanShapes.Len(destination)}, {SpanShapes.Ptr(source)}, {SpanShapes.Len(source)}, {SpanShapes.Size(source.Type.SpanElement!)})";
        if (helper == "ovpn_rt_span_copy")
        {
            c.Statement(text + ";");
            return null;
        }
        return SpanShapes.Bool(text, source, destination) with { PendingCall = true };
    }

    private static Expr? Pin(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var elem = span.Type.SpanElement!;
        return new Expr($"{SpanShapes.Len(span)} != 0 ? {SpanShapes.Ptr(span)} : NULL", CType.PointerTo(elem), Prec.Conditional)
        { Impure = true, Reads = span.Reads };
    }

    private static Expr Implicit(PlugCall c)
    {
        var result = c.ReturnType;
        var from = c[0];
        if (from.ArrayLength != null)
            return SpanShapes.Make(result, SpanShapes.TablePointer(from, result.SpanElement!), from.ArrayLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), from);
        var span = SpanShapes.Reusable(from) ? from : c.Once(from);
        return SpanShapes.Make(result, SpanShapes.Ptr(span), SpanShapes.Len(span), span);
    }

    private static Expr? Fill(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        var elem = span.Type.SpanElement!;
        var value = CExprs.Coerce(c[1], elem, assignment: true);
        if (elem.Size == 1)
        {
            c.Statement($"ovpn_rt_memset({SpanShapes.Ptr(span)}, {CExprs.Coerce(CExprs.Normalize(c[1]), CType.I32).Text}, (size_t){SpanShapes.Len(span)});");
            return null;
        }
        var v = c.Once(value);
        var i = c.Lowering.NewTempName(CType.I32);
        c.Statement($"for ({i} = 0; {i} < {SpanShapes.Len(span)}; {i}++) {SpanShapes.Ptr(span)}[{i}] = {v.Text};");
        return null;
    }

    private static Expr? Clear(PlugCall c)
    {
        var span = SpanShapes.Value(c, c[0]);
        c.Statement($"ovpn_rt_memset({SpanShapes.Ptr(span)}, 0, (size_t){SpanShapes.Len(span)} * {SpanShapes.Size(span.Type.SpanElement!)});");
        return null;
    }
}
