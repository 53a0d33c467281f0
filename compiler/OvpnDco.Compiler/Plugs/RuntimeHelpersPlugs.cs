using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// System.Runtime.CompilerServices.RuntimeHelpers: CreateSpan (how Roslyn writes
/// <c>ReadOnlySpan&lt;int&gt; X =&gt; new int[] {...}</c>) becomes a span over a typed const array.
/// </summary>
internal static class RuntimeHelpersPlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Runtime.CompilerServices.RuntimeHelpers";
        r.Add(type, "CreateSpan", CreateSpan);
        r.Add(type, "IsReferenceOrContainsReferences", _ => CExprs.Constant(0, CType.Bool) with { IsBoolean = true });
        r.Add(type, "InitializeArray", _ =>
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, "arrays are only supported as static readonly tables in kernel code"));
    }

    private static Expr CreateSpan(PlugCall c)
    {
        var token = c[0].Token ?? throw new CompileError(ErrorCodes.UnsupportedCall, "CreateSpan needs a field token");
        var element = c.MethodTypeArg(0);
        var data = c.Lowering.Compilation.Statics.RvaData(token.Resolve(), element);
        return SpanShapes.Make(c.ReturnType, $"({CType.PointerTo(element).Name}){data.Name}",
            data.ArrayLength!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
