using Mono.Cecil;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>The opcode dispatcher: each family is lowered in its own file.</summary>
public sealed partial class MethodLowering
{
    private void Translate(Instruction ins)
    {
        switch (ins.OpCode.Code)
        {
            case Code.Nop:
            case Code.Readonly:
            case Code.Tail:
            case Code.Unaligned:
            case Code.Volatile:
                return;
            case Code.Constrained:
                _constrained = _m.Context.Resolve((TypeReference)ins.Operand);
                return;
            case Code.Break:
            case Code.No: // "no." prefix: a hint that checks may be skipped; we keep them
                return;

            // constants
            case Code.Ldc_I4_M1: PushConst(-1); return;
            case Code.Ldc_I4_0: PushConst(0); return;
            case Code.Ldc_I4_1: PushConst(1); return;
            case Code.Ldc_I4_2: PushConst(2); return;
            case Code.Ldc_I4_3: PushConst(3); return;
            case Code.Ldc_I4_4: PushConst(4); return;
            case Code.Ldc_I4_5: PushConst(5); return;
            case Code.Ldc_I4_6: PushConst(6); return;
            case Code.Ldc_I4_7: PushConst(7); return;
            case Code.Ldc_I4_8: PushConst(8); return;
            case Code.Ldc_I4_S: PushConst((sbyte)ins.Operand); return;
            case Code.Ldc_I4: PushConst((int)ins.Operand); return;
            case Code.Ldc_I8: Push(CExprs.Constant((long)ins.Operand, CType.I64)); return;
            case Code.Ldnull: Push(new Expr("NULL", CType.VoidPtr, Prec.Primary) { Constant = 0 }); return;
            case Code.Ldc_R4:
            case Code.Ldc_R8:
                throw Error(ErrorCodes.FloatingPoint, "floating point is not supported in kernel code");
            case Code.Ldstr:
                Push(new Expr(CString((string)ins.Operand), CType.ConstCharPtr, Prec.Primary) { StringLiteral = (string)ins.Operand });
                return;

            // variables
            case Code.Ldloc_0: LoadLocal(0); return;
            case Code.Ldloc_1: LoadLocal(1); return;
            case Code.Ldloc_2: LoadLocal(2); return;
            case Code.Ldloc_3: LoadLocal(3); return;
            case Code.Ldloc:
            case Code.Ldloc_S: LoadLocal(((VariableDefinition)ins.Operand).Index); return;
            case Code.Stloc_0: StoreLocal(0); return;
            case Code.Stloc_1: StoreLocal(1); return;
            case Code.Stloc_2: StoreLocal(2); return;
            case Code.Stloc_3: StoreLocal(3); return;
            case Code.Stloc:
            case Code.Stloc_S: StoreLocal(((VariableDefinition)ins.Operand).Index); return;
            case Code.Ldloca:
            case Code.Ldloca_S: AddressOfLocal(((VariableDefinition)ins.Operand).Index); return;
            case Code.Ldarg_0:
            case Code.Ldarg_1:
            case Code.Ldarg_2:
            case Code.Ldarg_3:
            case Code.Ldarg:
            case Code.Ldarg_S: LoadArg(ArgIndex(ins)); return;
            case Code.Starg:
            case Code.Starg_S: StoreArg(ArgIndex(ins)); return;
            case Code.Ldarga:
            case Code.Ldarga_S: AddressOfArg(ArgIndex(ins)); return;

            case Code.Dup: Duplicate(); return;
            case Code.Pop: PopStatement(); return;

            // arithmetic and logic
            case Code.Add: Arithmetic("+", false); return;
            case Code.Sub: Arithmetic("-", false); return;
            case Code.Mul: Arithmetic("*", false); return;
            case Code.Add_Ovf: Checked("add", false); return;
            case Code.Add_Ovf_Un: Checked("add", true); return;
            case Code.Sub_Ovf: Checked("sub", false); return;
            case Code.Sub_Ovf_Un: Checked("sub", true); return;
            case Code.Mul_Ovf: Checked("mul", false); return;
            case Code.Mul_Ovf_Un: Checked("mul", true); return;
            case Code.Div: Divide("div", false); return;
            case Code.Div_Un: Divide("div", true); return;
            case Code.Rem: Divide("rem", false); return;
            case Code.Rem_Un: Divide("rem", true); return;
            case Code.And: Bitwise("&", Prec.BitAnd); return;
            case Code.Or: Bitwise("|", Prec.BitOr); return;
            case Code.Xor: Bitwise("^", Prec.BitXor); return;
            case Code.Shl: Shift(ShiftKind.Left); return;
            case Code.Shr: Shift(ShiftKind.Right); return;
            case Code.Shr_Un: Shift(ShiftKind.RightUnsigned); return;
            case Code.Neg: Negate(); return;
            case Code.Not: Complement(); return;

            // comparisons and branches
            case Code.Ceq: Compare("==", false); return;
            case Code.Cgt: Compare(">", false); return;
            case Code.Cgt_Un: Compare(">", true); return;
            case Code.Clt: Compare("<", false); return;
            case Code.Clt_Un: Compare("<", true); return;
            case Code.Br:
            case Code.Br_S: Goto((Instruction)ins.Operand); return;
            case Code.Leave:
            case Code.Leave_S: Leave((Instruction)ins.Operand); return;
            case Code.Endfinally: EndFinally(); return;
            case Code.Brtrue:
            case Code.Brtrue_S: BranchOnValue(true, (Instruction)ins.Operand); return;
            case Code.Brfalse:
            case Code.Brfalse_S: BranchOnValue(false, (Instruction)ins.Operand); return;
            case Code.Beq:
            case Code.Beq_S: BranchCompare("==", false, (Instruction)ins.Operand); return;
            case Code.Bne_Un:
            case Code.Bne_Un_S: BranchCompare("!=", true, (Instruction)ins.Operand); return;
            case Code.Bge:
            case Code.Bge_S: BranchCompare(">=", false, (Instruction)ins.Operand); return;
            case Code.Bge_Un:
            case Code.Bge_Un_S: BranchCompare(">=", true, (Instruction)ins.Operand); return;
            case Code.Bgt:
            case Code.Bgt_S: BranchCompare(">", false, (Instruction)ins.Operand); return;
            case Code.Bgt_Un:
            case Code.Bgt_Un_S: BranchCompare(">", true, (Instruction)ins.Operand); return;
            case Code.Ble:
            case Code.Ble_S: BranchCompare("<=", false, (Instruction)ins.Operand); return;
            case Code.Ble_Un:
            case Code.Ble_Un_S: BranchCompare("<=", true, (Instruction)ins.Operand); return;
            case Code.Blt:
            case Code.Blt_S: BranchCompare("<", false, (Instruction)ins.Operand); return;
            case Code.Blt_Un:
            case Code.Blt_Un_S: BranchCompare("<", true, (Instruction)ins.Operand); return;
            case Code.Switch: Switch((Instruction[])ins.Operand); return;
            case Code.Ret: Return(); return;

            // conversions
            case Code.Conv_I1: Convert(CType.I8); return;
            case Code.Conv_I2: Convert(CType.I16); return;
            case Code.Conv_I4: Convert(CType.I32); return;
            case Code.Conv_I8: Convert(CType.I64); return;
            case Code.Conv_I: Convert(CType.NInt); return;
            case Code.Conv_U1: Convert(CType.U8); return;
            case Code.Conv_U2: Convert(CType.U16); return;
            case Code.Conv_U4: Convert(CType.U32); return;
            case Code.Conv_U8: Convert(CType.U64); return;
            case Code.Conv_U: Convert(CType.NUInt); return;
            case Code.Conv_Ovf_I1: ConvertChecked(CType.I8, false); return;
            case Code.Conv_Ovf_I2: ConvertChecked(CType.I16, false); return;
            case Code.Conv_Ovf_I4: ConvertChecked(CType.I32, false); return;
            case Code.Conv_Ovf_I8: ConvertChecked(CType.I64, false); return;
            case Code.Conv_Ovf_I: ConvertChecked(CType.NInt, false); return;
            case Code.Conv_Ovf_U1: ConvertChecked(CType.U8, false); return;
            case Code.Conv_Ovf_U2: ConvertChecked(CType.U16, false); return;
            case Code.Conv_Ovf_U4: ConvertChecked(CType.U32, false); return;
            case Code.Conv_Ovf_U8: ConvertChecked(CType.U64, false); return;
            case Code.Conv_Ovf_U: ConvertChecked(CType.NUInt, false); return;
            case Code.Conv_Ovf_I1_Un: ConvertChecked(CType.I8, true); return;
            case Code.Conv_Ovf_I2_Un: ConvertChecked(CType.I16, true); return;
            case Code.Conv_Ovf_I4_Un: ConvertChecked(CType.I32, true); return;
            case Code.Conv_Ovf_I8_Un: ConvertChecked(CType.I64, true); return;
            case Code.Conv_Ovf_I_Un: ConvertChecked(CType.NInt, true); return;
            case Code.Conv_Ovf_U1_Un: ConvertChecked(CType.U8, true); return;
            case Code.Conv_Ovf_U2_Un: ConvertChecked(CType.U16, true); return;
            case Code.Conv_Ovf_U4_Un: ConvertChecked(CType.U32, true); return;
            case Code.Conv_Ovf_U8_Un: ConvertChecked(CType.U64, true); return;
            case Code.Conv_Ovf_U_Un: ConvertChecked(CType.NUInt, true); return;
            case Code.Conv_R4:
            case Code.Conv_R8:
            case Code.Conv_R_Un:
            case Code.Ckfinite:
                throw Error(ErrorCodes.FloatingPoint, "floating point is not supported in kernel code");

            // memory
            case Code.Ldind_I1: LoadIndirect(CType.I8); return;
            case Code.Ldind_U1: LoadIndirect(CType.U8); return;
            case Code.Ldind_I2: LoadIndirect(CType.I16); return;
            case Code.Ldind_U2: LoadIndirect(CType.U16); return;
            case Code.Ldind_I4: LoadIndirect(CType.I32); return;
            case Code.Ldind_U4: LoadIndirect(CType.U32); return;
            case Code.Ldind_I8: LoadIndirect(CType.I64); return;
            case Code.Ldind_I: LoadIndirect(CType.NInt); return;
            case Code.Ldind_Ref: LoadIndirect(null); return;
            case Code.Stind_I1: StoreIndirect(CType.I8); return;
            case Code.Stind_I2: StoreIndirect(CType.I16); return;
            case Code.Stind_I4: StoreIndirect(CType.I32); return;
            case Code.Stind_I8: StoreIndirect(CType.I64); return;
            case Code.Stind_I: StoreIndirect(CType.NInt); return;
            case Code.Stind_Ref: StoreIndirect(null); return;
            case Code.Ldind_R4:
            case Code.Ldind_R8:
            case Code.Stind_R4:
            case Code.Stind_R8:
            case Code.Ldelem_R4:
            case Code.Ldelem_R8:
            case Code.Stelem_R4:
            case Code.Stelem_R8:
                throw Error(ErrorCodes.FloatingPoint, "floating point is not supported in kernel code");
            case Code.Ldobj: LoadObject((TypeReference)ins.Operand); return;
            case Code.Stobj: StoreObject((TypeReference)ins.Operand); return;
            case Code.Cpobj: CopyObject((TypeReference)ins.Operand); return;
            case Code.Initobj: InitObject((TypeReference)ins.Operand); return;
            case Code.Cpblk: CopyBlock(); return;
            case Code.Initblk: InitBlock(); return;
            case Code.Localloc: StackAlloc(); return;
            case Code.Sizeof: SizeOf((TypeReference)ins.Operand); return;
            case Code.Ldfld: LoadField((FieldReference)ins.Operand); return;
            case Code.Ldflda: AddressOfField((FieldReference)ins.Operand); return;
            case Code.Stfld: StoreField((FieldReference)ins.Operand); return;
            case Code.Ldsfld: LoadStaticField((FieldReference)ins.Operand); return;
            case Code.Ldsflda: AddressOfStaticField((FieldReference)ins.Operand); return;
            case Code.Stsfld: StoreStaticField((FieldReference)ins.Operand); return;
            case Code.Ldtoken: LoadToken(ins.Operand); return;

            // static tables (arrays lowered to const data)
            case Code.Ldlen: ArrayLength(); return;
            case Code.Ldelema: ArrayElementAddress(); return;
            case Code.Ldelem_I1: ArrayLoad(CType.I8); return;
            case Code.Ldelem_U1: ArrayLoad(CType.U8); return;
            case Code.Ldelem_I2: ArrayLoad(CType.I16); return;
            case Code.Ldelem_U2: ArrayLoad(CType.U16); return;
            case Code.Ldelem_I4: ArrayLoad(CType.I32); return;
            case Code.Ldelem_U4: ArrayLoad(CType.U32); return;
            case Code.Ldelem_I8: ArrayLoad(CType.I64); return;
            case Code.Ldelem_I: ArrayLoad(CType.NInt); return;
            case Code.Ldelem_Any: ArrayLoad(null); return;
            case Code.Stelem_I1:
            case Code.Stelem_I2:
            case Code.Stelem_I4:
            case Code.Stelem_I8:
            case Code.Stelem_I:
            case Code.Stelem_Any: ArrayStore(); return;

            // calls
            case Code.Call: Call((MethodReference)ins.Operand, virtualCall: false); return;
            case Code.Callvirt: Call((MethodReference)ins.Operand, virtualCall: true); return;
            case Code.Newobj: NewObject((MethodReference)ins.Operand); return;
            case Code.Calli: CallIndirect((CallSite)ins.Operand); return;
            case Code.Ldftn: LoadFunction((MethodReference)ins.Operand); return;

            // refused: the kernel subset has none of these
            case Code.Box:
                throw Error(ErrorCodes.Boxing, $"boxing of '{_m.Context.Resolve((TypeReference)ins.Operand).Name}' is not supported in kernel code");
            case Code.Unbox:
            case Code.Unbox_Any:
                throw Error(ErrorCodes.Boxing, "unboxing is not supported in kernel code");
            case Code.Throw:
            case Code.Rethrow:
                throw Error(ErrorCodes.Exceptions, "throwing exceptions is not supported in kernel code (use status returns)");
            case Code.Endfilter:
                throw Error(ErrorCodes.Exceptions, "exception handling is not supported in kernel code");
            case Code.Newarr:
                throw Error(ErrorCodes.ReferenceTypeAllocation,
                    $"array allocation 'new {_m.Context.Resolve((TypeReference)ins.Operand).Name}[]' is not supported in kernel code (use stackalloc, Span<T> or a static readonly table)");
            case Code.Ldelem_Ref:
            case Code.Stelem_Ref:
                throw Error(ErrorCodes.ReferenceTypeAllocation, "arrays of references are not supported in kernel code");
            case Code.Jmp:
                throw Error(ErrorCodes.UnsupportedOpcode, "'jmp' (tail jump to another method) is not supported in kernel code");
            case Code.Ldvirtftn:
                throw Error(ErrorCodes.VirtualDispatch, "delegates over virtual methods are not supported in kernel code");
            case Code.Castclass:
            case Code.Isinst:
                throw Error(ErrorCodes.UnsupportedType, "type tests and casts of reference types are not supported in kernel code");
            case Code.Mkrefany:
            case Code.Refanyval:
            case Code.Refanytype:
            case Code.Arglist:
                throw Error(ErrorCodes.UnsupportedOpcode, $"'{ins.OpCode.Name}' (TypedReference/varargs) is not supported in kernel code");
            default:
                throw Error(ErrorCodes.UnsupportedOpcode, $"IL opcode '{ins.OpCode.Name}' is not supported in kernel code");
        }
    }

    /// <summary>
    /// An int constant. <c>(int)NtStatus.X</c> reaches IL as a bare number; an error or warning NTSTATUS value
    /// (severity bits set, so never a count) prints under its <c>STATUS_*</c> name.
    /// </summary>
    private void PushConst(int value) =>
        Push(value <= -0x10000 && _c.Types.StatusNames is { } names && names.TryGetValue(value, out var status)
            ? new Expr(status, CType.I32, Prec.Primary) { Constant = value }
            : CExprs.Constant(value, CType.I32));

    private static string CString(string s)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var ch in s)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '?' => "\\?",
                _ when ch < 0x20 || ch > 0x7e => $"\\{(int)ch & 0xff:o3}",
                _ => ch.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
