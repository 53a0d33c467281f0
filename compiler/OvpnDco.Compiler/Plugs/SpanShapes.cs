using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>How plugs read and build span values in C: a struct of <c>ptr</c> and <c>len</c>.</summary>
internal static class SpanShapes
{
    /// <summary>A span given by value (extension-method argument) or through 'this' (instance method).</summary>
    public static Expr Value(PlugCall call, Expr e)
    {
        if (e.Type.Kind == StackKind.Struct)
            return call.Once(e);
        return call.Once(MethodLowering.Deref(e, e.Type.Pointee!));
    }

    public static string Ptr(Expr span) => $"{span.At(Prec.Primary)}.ptr";

    public static string Len(Expr span) => $"{span.At(Prec.Primary)}.len";

    public static Expr Make(CType spanType, string ptr, string len, params Expr[] from) =>
        new($"({spanType.Name}){{ {ptr}, {len} }}", spanType, Prec.Primary)
        {
            Impure = true,
            Reads = Expr.Union(from),
        };

    public static Expr Int(string text, params Expr[] from) =>
        new(text, CType.I32, Prec.Primary) { Impure = true, Reads = Expr.Union(from) };

    public static Expr Bool(string text, params Expr[] from) =>
        new(text, CType.Bool, Prec.Primary) { Impure = true, Reads = Expr.Union(from), IsBoolean = true };

    public static string Size(CType element) => element.Size > 0 ? element.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "u" : $"sizeof({element.Name})";

    /// <summary>A static table (array) as a pointer the span can hold (tables may be const data).</summary>
    public static string TablePointer(Expr table, CType element) => $"({CType.PointerTo(element).Name}){table.Text}";
}
