using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// conv.* and conv.ovf.*: the source's signedness comes from the opcode (conv.u8 zero-extends, conv.i8
/// sign-extends an int32), never from the C type a value happens to have.
/// </summary>
public sealed partial class MethodLowering
{
    private static CType StackResult(CType target) => target.Size is 1 or 2 ? (target.Unsigned ? CType.U32 : CType.I32) : target;

    private void Convert(CType target)
    {
        var v = CExprs.Normalize(Pop());
        if (v.Constant is long cn && v.Type.IsInteger && target.Kind == StackKind.Native)
        {
            // conv.i / conv.u of a constant (stackalloc sizes, pointer offsets): keep it a constant.
            var value = target.Unsigned && v.Type.Kind == StackKind.I4 ? (uint)cn : cn;
            Push(CExprs.Constant(value, target));
            return;
        }
        if (v.Constant is long c && v.Type.IsInteger && target.Kind != StackKind.Native)
        {
            // Constants fold: conv.u8 of an int32 constant zero-extends like the runtime does.
            var source = v.Type.Kind == StackKind.I4 && target.Size == 8 && target.Unsigned ? (uint)c : c;
            Push(CExprs.Constant(CExprs.Truncate(source, target), target.Size < 4 ? StackResult(target) : target));
            return;
        }
        if (v.Type.IsPointer)
        {
            // conv.u / conv.i on a pointer: keep it a pointer when it stays pointer-sized (Roslyn does this for (nuint)p).
            if (target.Kind == StackKind.Native)
            {
                Push(v with { Type = v.Type, AddressOf = v.AddressOf });
                return;
            }
            v = CExprs.Cast(v, CType.NUInt);
        }
        // The source as the opcode sees it: int32 widened with its sign for conv.i8/conv.i, zero for conv.u8/conv.u.
        if (CExprs.KindOf(v) == StackKind.I4 && (target.Size == 8 || target.Size < 0))
            v = CExprs.As32(v, unsigned: target.Unsigned);
        var converted = CExprs.Coerce(v with { Constant = null }, target);
        if (target.Kind == StackKind.Native && v.Type.Kind == StackKind.I4 && !target.Unsigned)
            converted = converted with { WidenedFrom = v };
        Push(converted);
    }

    private void ConvertChecked(CType target, bool sourceUnsigned)
    {
        var v = CExprs.Normalize(Pop());
        if (v.Type.IsPointer)
            v = CExprs.Cast(v, CType.NUInt);
        var kind = CExprs.KindOf(v);
        string check;
        var (lo, hi) = RangeOf(target);
        if (sourceUnsigned || (v.Type.Unsigned && kind == StackKind.Native))
        {
            var u = kind == StackKind.I4 ? CExprs.As32(v, true) : CExprs.AsWidth(v, kind == StackKind.I8 ? StackKind.I8 : StackKind.Native, true);
            var wide = CExprs.Coerce(u, CType.U64);
            check = target.Unsigned
                ? $"ovpn_rt_range_u64({wide.Text}, {hi})"
                : $"ovpn_rt_range_u64({wide.Text}, (uint64_t){hi})";
        }
        else
        {
            var s = kind == StackKind.I4 ? CExprs.As32(v, false) : CExprs.AsWidth(v, kind == StackKind.I8 ? StackKind.I8 : StackKind.Native, false);
            var wide = CExprs.Coerce(s, CType.I64);
            check = target.Unsigned
                ? (target.Size == 8 ? $"(uint64_t)ovpn_rt_range_i64({wide.Text}, 0, INT64_MAX)" : $"ovpn_rt_range_i64({wide.Text}, 0, (int64_t){hi})")
                : $"ovpn_rt_range_i64({wide.Text}, {lo}, {hi})";
        }
        var e = new Expr($"({target.Name}){check}", target, Prec.Unary) { Impure = true, Reads = v.Reads };
        if (target.Unsigned && target.Size == 8 && !sourceUnsigned)
            e = new Expr($"{check}", CType.U64, Prec.Unary) { Impure = true, Reads = v.Reads };
        Push(e);
    }

    private static (string Lo, string Hi) RangeOf(CType t) => t.Primitive switch
    {
        "int8_t" => ("INT8_MIN", "INT8_MAX"),
        "uint8_t" => ("0", "UINT8_MAX"),
        "int16_t" => ("INT16_MIN", "INT16_MAX"),
        "uint16_t" => ("0", "UINT16_MAX"),
        "int32_t" => ("INT32_MIN", "INT32_MAX"),
        "uint32_t" => ("0", "UINT32_MAX"),
        "int64_t" => ("INT64_MIN", "INT64_MAX"),
        "uint64_t" => ("0", "UINT64_MAX"),
        "intptr_t" => ("INTPTR_MIN", "INTPTR_MAX"),
        "uintptr_t" => ("0", "UINTPTR_MAX"),
        _ => ("0", "0"),
    };
}
