using System.Linq;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>How plugs read and build span values in C: a struct of <c>ptr</c> and <c>len</c>.</summary>
internal static class SpanShapes
{
    /// <summary>A span given by value (extension-method argument) or through 'this' (instance method).</summary>
    public static Expr Value(PlugCall call, Expr e)
    {
        if (e.Type.Kind != StackKind.Struct)
            e = MethodLowering.Deref(e, e.Type.Pointee!);
        return Reusable(e) ? e : call.Once(e);
    }

    /// <summary>
    /// A span that can be read twice within one expression: a variable or field (<c>output</c>, <c>p->Buffer</c>),
    /// or one built from such parts (a slice of a variable: its pointer and length spelled in place). Within one
    /// expression nothing writes between the two reads: calls on the stack are evaluated before a plug runs.
    /// </summary>
    public static bool Reusable(Expr span) =>
        !span.PendingCall && (span.SpanParts != null || PlugCall.IsLvaluePath(span.Text));

    public static string Ptr(Expr span) => span.SpanParts?.Ptr ?? $"{span.At(Prec.Primary)}.ptr";

    public static string Len(Expr span) => span.SpanParts?.Len ?? $"{span.At(Prec.Primary)}.len";

    public static Expr Make(CType spanType, string ptr, string len, params Expr[] from) =>
        new($"({spanType.Name}){{ {ptr}, {len} }}", spanType, Prec.Primary)
        {
            Impure = true,
            Reads = Expr.Union(from),
            SpanParts = from.Any(f => f.PendingCall) ? null : (ptr, len),
        };

    /// <summary>
    /// <c>ptr + check(offset, size)</c> of <paramref name="span"/>: for a slice <c>s.Slice(start)</c> of a reusable span,
    /// one check of <c>start + offset .. + size</c> inside <c>s</c> (the same failure as the two checks it replaces).
    /// </summary>
    public static string CheckedAt(Expr span, int offset, string size)
    {
        if (span.SliceFrom is { } slice && offset == 0)
            return $"{Ptr(slice.Span)} + ovpn_rt_check_slice({slice.Start.Text}, {size}, {Len(slice.Span)})";
        return $"{Ptr(span)} + ovpn_rt_check_slice({offset}, {size}, {Len(span)})";
    }

    public static Expr Int(string text, params Expr[] from) =>
        new(text, CType.I32, Prec.Primary) { Impure = true, Reads = Expr.Union(from) };

    public static Expr Bool(string text, params Expr[] from) =>
        new(text, CType.Bool, Prec.Primary) { Impure = true, Reads = Expr.Union(from), IsBoolean = true };

    public static string Size(CType element) => element.Size > 0 ? element.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "u" : $"sizeof({element.Name})";

    /// <summary>A static table (array) as a pointer the span can hold (tables may be const data).</summary>
    public static string TablePointer(Expr table, CType element) => $"({CType.PointerTo(element).Name}){table.Text}";
}
