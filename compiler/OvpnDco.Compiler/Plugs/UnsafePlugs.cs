using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;
using static OvpnDco.Compiler.Plugs.PlugRegistry;

namespace OvpnDco.Compiler.Plugs;

/// <summary>System.Runtime.CompilerServices.Unsafe: refs are C pointers, so most members are casts.</summary>
internal static class UnsafePlugs
{
    public static void Register(PlugRegistry r)
    {
        const string type = "System.Runtime.CompilerServices.Unsafe";
        r.Add(type, "As", As, ParamCount(1));
        r.Add(type, "AsRef", c => Retype(c, c[0], c.ReturnType.Pointee!));
        r.Add(type, "AsPointer", c => CExprs.Cast(c[0] with { AddressOf = null }, CType.VoidPtr));
        r.Add(type, "Add", Add);
        r.Add(type, "Subtract", Subtract);
        r.Add(type, "AddByteOffset", c => ByteOffset(c, "+"));
        r.Add(type, "SubtractByteOffset", c => ByteOffset(c, "-"));
        r.Add(type, "SizeOf", c => SizeOf(c.MethodTypeArg(0)));
        r.Add(type, "IsNullRef", c => SpanShapes.Bool($"{c[0].At(Prec.Equality)} == NULL", c[0]) with { Precedence = Prec.Equality });
        r.Add(type, "NullRef", c => new Expr("NULL", c.ReturnType, Prec.Primary) { Constant = 0 });
        r.Add(type, "AreSame", c => SpanShapes.Bool($"(const void *){c[0].At(Prec.Unary)} == (const void *){c[1].At(Prec.Unary)}", c[0], c[1]) with { Precedence = Prec.Equality });
        r.Add(type, "ReadUnaligned", ReadUnaligned);
        r.Add(type, "WriteUnaligned", WriteUnaligned);
        r.Add(type, "Read", ReadUnaligned);
        r.Add(type, "Write", WriteUnaligned);
        r.Add(type, "SkipInit", _ => null);
        r.Add(type, "InitBlock", c => Block(c, "ovpn_rt_memset"));
        r.Add(type, "InitBlockUnaligned", c => Block(c, "ovpn_rt_memset"));
        r.Add(type, "CopyBlock", c => Block(c, "ovpn_rt_memmove"));
        r.Add(type, "CopyBlockUnaligned", c => Block(c, "ovpn_rt_memmove"));
    }

    private static Expr SizeOf(CType t) =>
        t.Size > 0 ? CExprs.Constant(t.Size, CType.I32) : new Expr($"(int32_t)sizeof({t.Name})", CType.I32, Prec.Unary) { SizeOf = $"sizeof({t.Name})" };

    private static Expr Retype(PlugCall c, Expr p, CType pointee) => MethodLowering.Retarget(p, pointee);

    private static Expr As(PlugCall c)
    {
        if (c.Method.Parameters[0].ParameterType is not Mono.Cecil.ByReferenceType)
            throw new CompileError(ErrorCodes.UnsupportedType, "Unsafe.As on object references is not supported in kernel code");
        return MethodLowering.Retarget(c[0], c.MethodTypeArg(1));
    }

    private static Expr Add(PlugCall c)
    {
        var p = c[0] with { AddressOf = null };
        var offset = c[1].Type.Kind == StackKind.I4 ? CExprs.As32(c[1], false) : CExprs.AsWidth(c[1], StackKind.Native, false);
        if (c.Method.Parameters[0].ParameterType is Mono.Cecil.PointerType)
        {
            // Unsafe.Add<T>(void*, int): scaled by sizeof(T), result void*.
            var elem = c.MethodTypeArg(0);
            var typed = MethodLowering.Retarget(p, elem);
            return CExprs.Cast(new Expr($"{typed.At(Prec.Additive)} + {offset.At(Prec.Additive + 1)}", typed.Type, Prec.Additive) { Impure = p.Impure, Reads = Expr.Union(p, offset) }, CType.VoidPtr);
        }
        return new Expr($"{p.At(Prec.Additive)} + {offset.At(Prec.Additive + 1)}", p.Type, Prec.Additive) { Impure = p.Impure, Reads = Expr.Union(p, offset) };
    }

    private static Expr Subtract(PlugCall c)
    {
        var p = c[0] with { AddressOf = null };
        var offset = c[1].Type.Kind == StackKind.I4 ? CExprs.As32(c[1], false) : CExprs.AsWidth(c[1], StackKind.Native, false);
        return new Expr($"{p.At(Prec.Additive)} - {offset.At(Prec.Additive + 1)}", p.Type, Prec.Additive) { Impure = p.Impure, Reads = Expr.Union(p, offset) };
    }

    private static Expr ByteOffset(PlugCall c, string op)
    {
        var p = c[0] with { AddressOf = null };
        var offset = CExprs.AsWidth(c[1], StackKind.Native, false);
        return new Expr($"({p.Type.Name})((uint8_t *){p.At(Prec.Unary)} {op} {offset.At(Prec.Additive + 1)})", p.Type, Prec.Unary) { Impure = p.Impure, Reads = Expr.Union(p, offset) };
    }

    private static Expr? Block(PlugCall c, string function)
    {
        var second = function == "ovpn_rt_memset" ? CExprs.Coerce(CExprs.Normalize(c[1]), CType.I32).Text : c[1].Text;
        c.Statement($"{function}({c[0].Text}, {second}, {CExprs.Coerce(CExprs.Normalize(c[2]), CType.U32).Text});");
        return null;
    }

    private static Expr ReadUnaligned(PlugCall c)
    {
        var t = c.MethodTypeArg(0);
        if (t.IsInteger && t.Size is 2 or 4 or 8)
        {
            var e = new Expr($"ovpn_rt_read_u{t.Size * 8}({c[0].Text})", t.WithSign(true), Prec.Primary) { Impure = true, Reads = c[0].Reads };
            return t.Unsigned ? e : CExprs.Cast(e, t);
        }
        var temp = c.Lowering.NewTempName(t);
        c.Statement($"ovpn_rt_memmove(&{temp}, {c[0].Text}, sizeof({temp}));");
        return new Expr(temp, t, Prec.Primary) { Reads = new System.Collections.Generic.HashSet<string> { temp } };
    }

    private static Expr? WriteUnaligned(PlugCall c)
    {
        var t = c.MethodTypeArg(0);
        if (t.IsInteger && t.Size is 2 or 4 or 8)
        {
            var v = CExprs.Coerce(CExprs.Normalize(c[1]), t.WithSign(true));
            c.Statement($"ovpn_rt_write_u{t.Size * 8}({c[0].Text}, {v.Text});");
            return null;
        }
        var value = c.Once(CExprs.Coerce(c[1], t, assignment: true));
        var temp = value.Precedence == Prec.Primary && value.Reads.Count > 0 ? value.Text : c.Lowering.Temp(value).Text;
        c.Statement($"ovpn_rt_memmove({c[0].Text}, &{temp}, sizeof({temp}));");
        return null;
    }
}
