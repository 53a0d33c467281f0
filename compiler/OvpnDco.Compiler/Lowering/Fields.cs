using System.Collections.Generic;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>Instance fields, static fields, static tables (arrays lowered to C arrays) and RVA data.</summary>
public sealed partial class MethodLowering
{
    private readonly Dictionary<string, Expr> _arrayLocals = new();

    private (FieldDefinition Def, CType Type, TypeReference Owner) FieldInfo(FieldReference f)
    {
        var owner = _m.Context.Resolve(f.DeclaringType);
        var def = f.Resolve() ?? throw new CompileError(ErrorCodes.UnresolvedMember, $"cannot resolve field '{f.FullName}'");
        if (def.HasFieldRVA)
            return (def, CType.U8, owner);
        var fieldType = GenericContext.OfType(owner).Resolve(def.FieldType);
        if (fieldType is ArrayType)
            return (def, CType.VoidPtr, owner);
        return (def, _c.Types.Map(fieldType), owner);
    }

    /// <summary>The field as an lvalue of the object (a struct value, or a pointer/ref to one).</summary>
    private Expr FieldLValue(Expr obj, FieldReference f, CType fieldType, TypeReference owner)
    {
        var name = TypeMapper.FieldName(f);
        string text;
        bool impure;
        if (obj.Type.Kind == StackKind.Struct)
        {
            text = $"{obj.At(Prec.Primary)}.{name}";
            impure = obj.Impure;
        }
        else if (obj.AddressOf != null)
        {
            text = $"{obj.AddressOf}.{name}";
            impure = obj.Impure;
        }
        else
        {
            var typed = obj.Type.Pointee != null && obj.Type.Pointee.Name == _c.Types.Map(owner).Name
                ? obj : Retarget(obj, _c.Types.Map(owner));
            text = $"{typed.At(Prec.Primary)}->{name}";
            impure = true;
        }
        return new Expr(text, fieldType, Prec.Primary) { Impure = impure, Reads = obj.Reads };
    }

    /// <summary>The handle value of an extern handle ([ExternType(IsHandle = true)]): the C pointer itself.</summary>
    private Expr? HandleValue(Expr obj, TypeReference owner)
    {
        var ownerDef = TypeMapper.Resolve(owner);
        if (!ExternTypes.IsHandle(ownerDef))
            return null;
        var handle = _c.Types.Map(owner);
        if (obj.Type.Kind == StackKind.Struct)
            return obj;
        if (obj.AddressOf != null)
            return new Expr(obj.AddressOf, handle, Prec.Primary) { Impure = obj.Impure, Reads = obj.Reads };
        var typed = obj.Type.Pointee != null && obj.Type.Pointee.Name == handle.Name ? obj : Retarget(obj, handle);
        return new Expr($"*{typed.At(Prec.Unary)}", handle, Prec.Unary) { Impure = true, Reads = obj.Reads };
    }

    private void LoadField(FieldReference f)
    {
        var obj = Pop();
        var (def, type, owner) = FieldInfo(f);
        if (def.IsStatic)
        {
            Push(StaticFieldValue(def, owner));
            return;
        }
        if (HandleValue(obj, owner) is { } handle)
        {
            Push(new Expr($"(intptr_t){handle.At(Prec.Unary)}", CType.NInt, Prec.Unary) { Impure = handle.Impure, Reads = handle.Reads });
            return;
        }
        var lv = FieldLValue(obj, f, type, owner);
        if (TypeMapper.IsFixedBuffer(TypeMapper.Resolve(owner)))
            lv = lv with { Text = lv.Text + "[0]" };
        Push(lv);
    }

    private void AddressOfField(FieldReference f)
    {
        var obj = Pop();
        var (def, type, owner) = FieldInfo(f);
        if (def.IsStatic)
        {
            Push(StaticFieldAddress(def, owner));
            return;
        }
        if (ExternTypes.IsHandle(TypeMapper.Resolve(owner)))
            throw new CompileError(ErrorCodes.BadExternType,
                $"the value of extern handle '{owner.Name}' cannot be taken by reference (read or assign '{f.Name}' instead)");
        var lv = FieldLValue(obj, f, type, owner);
        if (TypeMapper.IsFixedBuffer(TypeMapper.Resolve(owner)))
        {
            // &buffer.FixedElementField: the array itself decays to a pointer to its first element.
            Push(new Expr(lv.Text, CType.PointerTo(type), Prec.Primary) { Impure = lv.Impure, Reads = lv.Reads });
            return;
        }
        Push(new Expr($"&{lv.Text}", CType.PointerTo(type), Prec.Unary) { AddressOf = lv.Text, Impure = lv.Impure, Reads = lv.Reads });
    }

    private void StoreField(FieldReference f)
    {
        var value = Pop();
        var obj = Pop();
        var (def, type, owner) = FieldInfo(f);
        if (def.IsStatic)
        {
            StoreStatic(def, owner, value);
            return;
        }
        if (HandleValue(obj, owner) is { } handle)
        {
            var handleRoot = obj.AddressOf != null && obj.Reads.Count == 1 ? obj.AddressOf : null;
            Statement($"{handle.Text} = ({handle.Type.Name}){value.At(Prec.Unary)};", storesVariable: handleRoot);
            return;
        }
        var lv = FieldLValue(obj, f, type, owner);
        NoteEnumJoin(value, type);
        var root = obj.AddressOf != null && obj.Reads.Count == 1 ? obj.AddressOf : null;
        Statement(CExprs.Coerce(value, type, assignment: true).AssignTo(lv.Text), storesVariable: root, writesMemory: root == null || value.PendingCall);
    }

    private void LoadStaticField(FieldReference f)
    {
        var (def, type, owner) = FieldInfo(f);
        if (def.IsInitOnly && Metadata.ExternTypes.CNameOf(def) is { } macro)
        {
            // A header's constant ([CName] on a static readonly field): the C reads the header's name, not a global.
            if (!System.Text.RegularExpressions.Regex.IsMatch(macro, @"^[A-Za-z_]\w*$"))
                throw new CompileError(ErrorCodes.BadExternType, $"[CName(\"{macro}\")] on static field '{def.DeclaringType.Name}.{def.Name}' is not a C identifier");
            Push(new Expr(macro, type, Prec.Primary));
            return;
        }
        Push(StaticFieldValue(def, owner));
    }

    private Expr StaticFieldValue(FieldDefinition def, TypeReference owner)
    {
        var global = _c.Statics.Require(def, owner);
        if (global.ArrayLength is int length)
            return new Expr(global.Name, CType.PointerTo(global.ElementType!), Prec.Primary) { ArrayLength = length, Impure = !global.IsConstant };
        return new Expr(global.Name, global.Type, Prec.Primary) { Impure = !global.IsConstant };
    }

    private Expr StaticFieldAddress(FieldDefinition def, TypeReference owner)
    {
        var global = _c.Statics.Require(def, owner);
        if (global.IsRvaData)
            return new Expr($"({global.Type.Name} *){global.Name}", CType.PointerTo(global.Type), Prec.Unary);
        return new Expr($"&{global.Name}", CType.PointerTo(global.Type), Prec.Unary) { AddressOf = global.Name, Impure = true };
    }

    private void AddressOfStaticField(FieldReference f)
    {
        var (def, _, owner) = FieldInfo(f);
        Push(StaticFieldAddress(def, owner));
    }

    private void StoreStaticField(FieldReference f)
    {
        var (def, _, owner) = FieldInfo(f);
        StoreStatic(def, owner, Pop());
    }

    private void StoreStatic(FieldDefinition def, TypeReference owner, Expr value)
    {
        var global = _c.Statics.Require(def, owner);
        if (global.ArrayLength != null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, $"static table '{def.Name}' can only be set by its initializer");
        Statement(CExprs.Coerce(value, global.Type, assignment: true).AssignTo(global.Name));
    }

    private void LoadToken(object operand)
    {
        if (operand is FieldReference f && f.Resolve() is { HasFieldRVA: true } def)
        {
            Push(new Expr("/* token */", CType.VoidPtr, Prec.Primary) { Token = def });
            return;
        }
        throw new CompileError(ErrorCodes.UnsupportedOpcode, "ldtoken is only supported for static data (RVA fields) in kernel code");
    }

    // ---- static tables ------------------------------------------------------------------------------

    private Expr ArrayOperand(Expr e)
    {
        if (e.ArrayLength == null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation,
                "arrays are only supported as static readonly tables in kernel code");
        return e;
    }

    private Expr Element(Expr array, Expr index, CType type)
    {
        var i = CExprs.AsWidth(index, StackKind.I4, unsigned: false);
        var checkedIndex = _c.Options.BoundsChecks
            ? $"ovpn_rt_check_index({i.Text}, {array.ArrayLength})"
            : i.Text;
        return new Expr($"{array.Text}[{checkedIndex}]", type, Prec.Primary) { Impure = true, Reads = Expr.Union(array, index) };
    }

    private void ArrayLength()
    {
        var array = ArrayOperand(Pop());
        Push(CExprs.Constant(array.ArrayLength!.Value, CType.I32));
    }

    private void ArrayLoad(CType? type)
    {
        var index = Pop();
        var array = ArrayOperand(Pop());
        var elem = array.Type.Pointee!;
        var e = Element(array, index, elem);
        Push(type != null && type.Size < 4 && type.Unsigned != elem.Unsigned ? CExprs.Cast(e, type) : e);
    }

    private void ArrayElementAddress()
    {
        var index = Pop();
        var array = ArrayOperand(Pop());
        var e = Element(array, index, array.Type.Pointee!);
        Push(new Expr($"&{e.Text}", array.Type, Prec.Unary) { Impure = true, Reads = e.Reads });
    }

    private void ArrayStore()
    {
        var value = Pop();
        var index = Pop();
        var array = ArrayOperand(Pop());
        _c.Statics.MarkWritten(array.Text);
        var e = Element(array, index, array.Type.Pointee!);
        Statement(CExprs.Coerce(value, array.Type.Pointee!, assignment: true).AssignTo(e.Text));
    }
}
