using System;
using System.Collections.Generic;
using Mono.Cecil;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>Loads and stores through pointers and refs, struct copies, block operations and stackalloc.</summary>
public sealed partial class MethodLowering
{
    /// <summary><c>*p</c>, printed as the variable itself when p is <c>&amp;variable</c>.</summary>
    internal static Expr Deref(Expr pointer, CType type)
    {
        if (pointer.AddressOf != null)
            return new Expr(pointer.AddressOf, type, Prec.Primary) { Impure = pointer.Impure, Reads = pointer.Reads };
        if (pointer.Element is { } element)
            return new Expr($"{element.Base}[{element.Index}]", type, Prec.Primary) { Impure = true, Reads = pointer.Reads };
        return new Expr($"*{pointer.At(Prec.Unary)}", type, Prec.Unary) { Impure = true, Reads = pointer.Reads };
    }

    /// <summary>The pointer retyped to point at <paramref name="type"/> (no cast when it already does).</summary>
    internal static Expr Retarget(Expr pointer, CType type)
    {
        var wanted = CType.PointerTo(type);
        if (pointer.Type.Name == wanted.Name)
            return pointer;
        return CExprs.Cast(pointer with { AddressOf = null }, wanted);
    }

    private static bool SameWidthInteger(CType? a, CType b) =>
        a != null && a.IsInteger && b.IsInteger && a.Size == b.Size && a.Size > 0;

    private void LoadIndirect(CType? type)
    {
        var p = Pop();
        if (type == null)
            throw new CompileError(ErrorCodes.UnsupportedType, "object references are not supported in kernel code");
        Push(ReadThrough(p, type));
    }

    /// <summary>ldind.i/stind.i on a pointer to a pointer: the pointee's own type, not a reinterpretation.</summary>
    private static bool NativeThroughPointer(CType? pointee, CType type) =>
        pointee != null && pointee.IsPointer && type.Kind == StackKind.Native;

    internal Expr ReadThrough(Expr p, CType type)
    {
        var pointee = p.Type.Pointee;
        if (NativeThroughPointer(pointee, type))
            return Deref(p, pointee!);
        if (pointee != null && (pointee.Name == type.Name || (SameWidthInteger(pointee, type) && (type.Size >= 4 || pointee.Unsigned == type.Unsigned))))
            return Deref(p, pointee);
        if (SameWidthInteger(pointee, type))
            return CExprs.Cast(Deref(p, pointee!), type);
        if (type.IsInteger && type.Size is 2 or 4 or 8)
        {
            // Reinterpreting memory: read it as bytes (no alignment or aliasing assumptions).
            var fn = $"ovpn_rt_read_u{type.Size * 8}({p.Text})";
            var e = new Expr(fn, type.WithSign(true), Prec.Primary) { Impure = true, Reads = p.Reads };
            return type.Unsigned ? e : CExprs.Cast(e, type);
        }
        return Deref(Retarget(p, type), type);
    }

    private void StoreIndirect(CType? type)
    {
        var value = Pop();
        var p = Pop();
        if (type == null)
            throw new CompileError(ErrorCodes.UnsupportedType, "object references are not supported in kernel code");
        WriteThrough(p, type, value);
    }

    internal void WriteThrough(Expr p, CType type, Expr value)
    {
        var pointee = p.Type.Pointee;
        var target = pointee != null && (pointee.Name == type.Name || SameWidthInteger(pointee, type) || NativeThroughPointer(pointee, type)) ? pointee : null;
        string text;
        if (target != null)
            text = CExprs.Coerce(value, target, assignment: true).AssignTo(Deref(p, target).Text);
        else if (type.IsInteger && type.Size is 2 or 4 or 8)
            text = $"ovpn_rt_write_u{type.Size * 8}({p.Text}, {CExprs.Coerce(CExprs.Normalize(value), type.WithSign(true)).Text});";
        else
            text = CExprs.Coerce(value, type, assignment: true).AssignTo(Deref(Retarget(p, type), type).Text);
        var root = p.AddressOf != null && p.Reads.Count == 1 ? p.AddressOf : null;
        Statement(text, storesVariable: root, writesMemory: root == null || value.PendingCall);
    }

    private CType Map(TypeReference t) => _c.Types.Map(_m.Context.Resolve(t));

    private void LoadObject(TypeReference t) => Push(ReadThrough(Pop(), Map(t)));

    private void StoreObject(TypeReference t)
    {
        var value = Pop();
        var p = Pop();
        WriteThrough(p, Map(t), value);
    }

    private void CopyObject(TypeReference t)
    {
        var src = Pop();
        var dst = Pop();
        var type = Map(t);
        WriteThrough(dst, type, ReadThrough(src, type));
    }

    private void InitObject(TypeReference t)
    {
        var p = Pop();
        var type = Map(t);
        if (type.Kind == StackKind.Struct && p.AddressOf is { } local && _current.Next is { } next && !_labels.Contains(next.Offset) &&
            LoadedLocal(next) is int index && _localNames[index] == local && OnlyDefault(index))
        {
            // ldloca x; initobj T; ldloc x is C#'s default(T) as a value: a compound literal, no statement
            _defaultLocals.Add(local);
            _skip = next;
            Push(new Expr($"({type.Name}){{0}}", type, Prec.Primary));
            return;
        }
        if (type.Kind == StackKind.Struct && type.IsExtern && _m.Context.Resolve(t) is var resolved &&
            ExternTypes.IsHandle(TypeMapper.Resolve(resolved)) && HandleValue(p, resolved) is { } handle)
        {
            // default of a handle (a pointer or integer typedef of the header's): a plain store, w->Socket = (PWSK_SOCKET){0}
            var root = p.AddressOf != null && p.Reads.Count == 1 ? p.AddressOf : null;
            Statement($"{handle.Text} = ({type.Name}){{0}};", storesVariable: root, writesMemory: root == null);
            return;
        }
        if (type.Kind == StackKind.Struct)
        {
            var target = p.AddressOf != null ? $"&{p.AddressOf}" : p.Text;
            var size = p.AddressOf != null ? $"sizeof({p.AddressOf})" : $"sizeof({type.Name})";
            Statement($"ovpn_rt_memset({target}, 0, {size});", storesVariable: p.AddressOf, writesMemory: p.AddressOf == null);
        }
        else
        {
            // default(T) of an integer or pointer: 0 or NULL (Coerce turns the constant 0 into NULL for pointers)
            WriteThrough(p, type, CExprs.Constant(0, type.IsInteger ? type : CType.I32));
        }
    }

    /// <summary>Every use of the local is <c>ldloca; initobj; ldloc</c> (it never holds anything but default(T)).</summary>
    private bool OnlyDefault(int index)
    {
        foreach (var ins in _body.Instructions)
        {
            var refers = LoadedLocal(ins) == index ||
                         (ins.Operand is VariableDefinition v && v.Index == index) ||
                         (ins.OpCode.Code is >= Code.Stloc_0 and <= Code.Stloc_3 && ins.OpCode.Code - Code.Stloc_0 == index);
            if (!refers)
                continue;
            var triple = ins.OpCode.Code is Code.Ldloca or Code.Ldloca_S
                ? ins.Next is { OpCode.Code: Code.Initobj } init && init.Next is { } load && LoadedLocal(load) == index
                : LoadedLocal(ins) == index && ins.Previous is { OpCode.Code: Code.Initobj } init2 &&
                  init2.Previous is { OpCode.Code: Code.Ldloca or Code.Ldloca_S } addr && ((VariableDefinition)addr.Operand).Index == index;
            if (!triple)
                return false;
        }
        return true;
    }

    private static int? LoadedLocal(Instruction ins) => ins.OpCode.Code switch
    {
        >= Code.Ldloc_0 and <= Code.Ldloc_3 => ins.OpCode.Code - Code.Ldloc_0,
        Code.Ldloc or Code.Ldloc_S => ((VariableDefinition)ins.Operand).Index,
        _ => null,
    };

    private void CopyBlock()
    {
        var size = Pop();
        var src = Pop();
        var dst = Pop();
        Statement($"ovpn_rt_memmove({dst.Text}, {src.Text}, {CExprs.Coerce(CExprs.Normalize(size), CType.U32).Text});");
    }

    private void InitBlock()
    {
        var size = Pop();
        var value = Pop();
        var dst = Pop();
        Statement($"ovpn_rt_memset({dst.Text}, {CExprs.Coerce(CExprs.Normalize(value), CType.I32).Text}, {CExprs.Coerce(CExprs.Normalize(size), CType.U32).Text});");
    }

    private void StackAlloc()
    {
        var size = Pop();
        string declared;
        if (size.Constant is long bytes && bytes >= 0 && bytes <= MaxStackAlloc)
            declared = Math.Max(1, bytes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        else if (size.Constant == null && size.IsCConstant)
            declared = size.Text; // e.g. 8u * sizeof(Node): constant in C, not in C# (pointer-sized fields)
        else
            throw new CompileError(ErrorCodes.UnsupportedOpcode,
                "stackalloc needs a constant size of at most 64 KiB in kernel code (kernel stacks are small and fixed)");
        var name = $"stackalloc{_temps++}";
        _locals.Add((name, CType.Struct($"_Alignas(8) uint8_t", -1)));
        _stackallocs[name] = (declared, _body.InitLocals);
        Push(new Expr(name, CType.PointerTo(CType.U8), Prec.Primary));
    }

    private const int MaxStackAlloc = 64 * 1024;

    private readonly Dictionary<string, (string Bytes, bool Zero)> _stackallocs = new();

    private void SizeOf(TypeReference t)
    {
        var type = Map(t);
        if (type.IsInteger && type.Size > 0)
        {
            Push(CExprs.Constant(type.Size, CType.I32));
            return;
        }
        var text = $"sizeof({type.Name})";
        // A layout-independent size is also a constant (stackalloc T[n] needs it); the text stays sizeof(T).
        Push(new Expr($"(int32_t){text}", CType.I32, Prec.Unary) { SizeOf = text, Constant = type.Size > 0 ? type.Size : null, IsCConstant = true });
    }
}
