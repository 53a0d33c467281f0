using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;
using OvpnDco.Compiler.Plugs;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Calls: plugs first (BCL replacements), then [Import] bindings, then direct calls of monomorphized methods.
/// Interfaces are only generic constraints: a constrained call binds statically to the implementation on the
/// concrete type (static abstract members included). Virtual dispatch on classes is refused.
/// </summary>
public sealed partial class MethodLowering
{
    internal Compilation Compilation => _c;

    internal CompilerOptions Options => _c.Options;

    internal GenericContext Context => _m.Context;

    internal Expr Temp(Expr value) => Materialize(value) with { PendingCall = false };

    internal string NewTempName(CType type, string? hint = null) => NewTemp(type, hint);

    internal void EmitStatement(string text) => Statement(text);

    internal CType MapType(TypeReference closed) => _c.Types.Map(closed);

    private List<Expr> PopArguments(int count)
    {
        var args = new List<Expr>(count);
        for (var i = 0; i < count; i++)
            args.Add(Pop());
        args.Reverse();
        return args;
    }

    private void Call(MethodReference method, bool virtualCall)
    {
        var count = method.Parameters.Count + (method.HasThis ? 1 : 0);
        var args = PopArguments(count);
        var constrained = _constrained;
        _constrained = null;
        var calleeContext = _m.Context.For(method);
        var declaring = _m.Context.Resolve(method.DeclaringType);

        if (constrained != null && _c.Types.Map(constrained) is { IsInteger: true } primitive)
        {
            Push(PrimitiveInterfaceCall(primitive, method, args));
            return;
        }
        if (constrained != null)
        {
            var implementation = FindImplementation(constrained, method);
            var implContext = new GenericContext(
                constrained is GenericInstanceType git ? git.GenericArguments.ToArray() : null,
                calleeContext.MethodArgs);
            EmitCall(new MethodInstance(implementation, implContext, constrained), args);
            return;
        }

        if (_c.UserPlugs.TryFind(method, out var userPlug, out var cFunction))
        {
            CallUserPlug(userPlug, cFunction, calleeContext, args);
            return;
        }
        var plugCall = new PlugCall(this, method, declaring, calleeContext, args, IsNewObj: false);
        if (_c.Plugs.TryLower(plugCall, out var plugged))
        {
            PushCallResult(plugged);
            return;
        }

        var def = ResolveMethod(method);
        if (virtualCall && def.IsVirtual && !def.IsFinal && !def.DeclaringType.IsValueType && !def.DeclaringType.IsSealed)
            throw new CompileError(ErrorCodes.VirtualDispatch,
                $"virtual call to '{def.DeclaringType.Name}.{def.Name}' is not supported in kernel code (use structs and generic constraints)");
        if (def.IsAbstract)
            throw new CompileError(ErrorCodes.VirtualDispatch,
                $"interface call to '{def.DeclaringType.Name}.{def.Name}' without a constrained type parameter is not supported in kernel code");
        EmitCall(new MethodInstance(def, calleeContext, declaring), args);
    }

    /// <summary>IComparable/IEquatable on an integer type parameter (Roslyn calls them through 'constrained.').</summary>
    private static Expr PrimitiveInterfaceCall(CType type, MethodReference method, List<Expr> args)
    {
        var self = Deref(args[0], type);
        var other = CExprs.Coerce(args[1], type, assignment: true);
        var reads = Expr.Union(self, other);
        return method.Name switch
        {
            "CompareTo" => new Expr($"{self.At(Prec.Relational)} < {other.At(Prec.Relational + 1)} ? -1 : {self.At(Prec.Relational)} > {other.At(Prec.Relational + 1)} ? 1 : 0",
                CType.I32, Prec.Conditional) { Impure = true, Reads = reads },
            "Equals" => new Expr($"{self.At(Prec.Equality)} == {other.At(Prec.Equality + 1)}", CType.Bool, Prec.Equality) { Impure = true, Reads = reads, IsBoolean = true },
            _ => throw new CompileError(ErrorCodes.Boxing, $"'{method.Name}' on '{type.Name}' through an interface is not supported in kernel code"),
        };
    }

    private void CallUserPlug(MethodDefinition plug, string? cFunction, GenericContext calleeContext, List<Expr> args)
    {
        var instance = new MethodInstance(plug, Plugs.UserPlugs.ContextFor(plug, calleeContext), plug.DeclaringType);
        if (cFunction == null)
        {
            EmitCall(instance, args);
            return;
        }
        var name = _c.RequireCFunction(instance, cFunction);
        var parameters = plug.Parameters.Select(p => MapParameter(instance.Context.Resolve(p.ParameterType))).ToList();
        var text = $"{name}({string.Join(", ", args.Select((a, i) => Argument(a, parameters[i])))})";
        var ret = _c.Types.Map(instance.ReturnType);
        if (ret == CType.Void)
            Statement(text + ";");
        else
            Push(new Expr(text, ret, Prec.Primary) { PendingCall = true, Impure = true, Reads = Expr.Union(args.ToArray()) });
    }

    private MethodDefinition ResolveMethod(MethodReference method)
    {
        var def = method.Resolve() ?? throw new CompileError(ErrorCodes.UnresolvedMember, $"cannot resolve method '{method.FullName}'");
        if (!_c.IsUserCode(def) && Imports.Of(def) == null)
        {
            if (def.DeclaringType.FullName == "System.String")
                throw new CompileError(ErrorCodes.Strings,
                    $"'{def.DeclaringType.Name}.{def.Name}' works on strings; kernel code uses only string literals passed to tracing");
            throw new CompileError(ErrorCodes.UnsupportedCall,
                $"call to '{def.DeclaringType.FullName}.{def.Name}' has no kernel implementation (no plug); see compiler/README.md for the plugged BCL members");
        }
        return def;
    }

    private static MethodDefinition FindImplementation(TypeReference constrained, MethodReference interfaceMethod)
    {
        var type = TypeMapper.Resolve(constrained);
        var target = interfaceMethod.Resolve();
        if (!type.IsValueType)
            throw new CompileError(ErrorCodes.VirtualDispatch,
                $"'{type.Name}' is a class: only structs may implement the interfaces kernel code calls through");
        if (target == null)
            throw new CompileError(ErrorCodes.UnresolvedMember, $"cannot resolve '{interfaceMethod.FullName}'");
        if (target.DeclaringType.FullName == type.FullName)
            return target;
        foreach (var m in type.Methods)
            foreach (var o in m.Overrides)
                if (o.Name == target.Name && o.Resolve() == target)
                    return m;
        foreach (var m in type.Methods)
            if (m.Name == target.Name && m.IsStatic == target.IsStatic && m.Parameters.Count == target.Parameters.Count &&
                m.GenericParameters.Count == target.GenericParameters.Count &&
                m.Parameters.Select(p => p.ParameterType.Name).SequenceEqual(target.Parameters.Select(p => p.ParameterType.Name)))
                return m;
        if (!target.IsAbstract && target.HasBody && target.DeclaringType.IsInterface)
            return target; // default interface implementation
        if (target.DeclaringType.FullName == "System.Object" || target.DeclaringType.FullName == "System.ValueType")
            throw new CompileError(ErrorCodes.Boxing,
                $"'{type.Name}.{target.Name}' is inherited from object: calling it boxes the struct, which kernel code cannot do");
        throw new CompileError(ErrorCodes.UnresolvedMember, $"'{type.FullName}' does not implement '{interfaceMethod.FullName}'");
    }

    private void EmitCall(MethodInstance callee, List<Expr> args)
    {
        var name = _c.RequireMethod(callee);
        var def = callee.Definition;
        var parameters = new List<CType>();
        if (def.HasThis)
            parameters.Add(CType.PointerTo(_c.Types.Map(callee.DeclaringType)));
        foreach (var p in def.Parameters)
        {
            var pt = callee.Context.Resolve(p.ParameterType);
            parameters.Add(pt.MetadataType == MetadataType.String ? CType.ConstCharPtr : _c.Types.Map(pt));
        }
        var text = $"{name}({string.Join(", ", args.Select((a, i) => Argument(a, parameters[i])))})";
        var ret = _c.Types.Map(callee.ReturnType);
        if (ret == CType.Void)
        {
            Statement(text + ";");
            return;
        }
        Push(new Expr(text, ret, Prec.Primary)
        {
            PendingCall = true, Impure = true, Reads = Expr.Union(args.ToArray()), Hint = ResultName(def, ret),
            ReadOnlyCall = Purity.StoresNothing(def),
        });
    }

    /// <summary>
    /// What a call's result is called when it must wait in a temporary: <c>status</c> for an NTSTATUS, the pointee's
    /// name for a pointer to a struct (<c>peer</c>), <c>ok</c> for a bool, else the method's name without its verb
    /// (<c>MakeHeader</c> → <c>header</c>, <c>Blocks</c> → <c>blocks</c>).
    /// </summary>
    private static string ResultName(MethodDefinition callee, CType ret)
    {
        if (ret.Name == "OvpnDco_Runtime_Uapi_NtStatus" || ret.EnumNames != null && ret.Name.EndsWith("NtStatus", System.StringComparison.Ordinal))
            return "status";
        if (ret.IsBool)
            return "ok";
        var name = callee.Name;
        if (name.StartsWith("get_", System.StringComparison.Ordinal))
            name = name.Substring(4);
        if (ret.IsPointer && ret.Pointee is { Kind: StackKind.Struct } pointee)
            name = pointee.Name.Substring(pointee.Name.LastIndexOf('_') + 1);
        else
            foreach (var verb in new[] { "Get", "Make", "Read", "Compute", "Find", "Create", "Try", "Load", "Alloc" })
                if (name.Length > verb.Length && name.StartsWith(verb, System.StringComparison.Ordinal) && char.IsAsciiLetterUpper(name[verb.Length]))
                {
                    name = name.Substring(verb.Length);
                    break;
                }
        return Names.UpperSnake(name).ToLowerInvariant();
    }

    private string Argument(Expr arg, CType parameter)
    {
        if (arg.StringLiteral != null)
        {
            if (parameter.Name != CType.ConstCharPtr.Name)
                throw new CompileError(ErrorCodes.Strings, "a string literal can only be passed to a string parameter");
            return arg.Text;
        }
        if (parameter.Name == CType.ConstCharPtr.Name && arg.Type.Name != parameter.Name)
            throw new CompileError(ErrorCodes.Strings, "only string literals can be passed as strings in kernel code");
        if (arg.ArrayLength != null)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation, "arrays cannot be passed as arguments in kernel code (pass a span)");
        return CExprs.Coerce(arg, parameter, assignment: true).Text;
    }

    /// <summary>What a plug produced: nothing (it emitted statements), or a value to push.</summary>
    private void PushCallResult(Expr? result)
    {
        if (result != null)
            Push(result);
    }

    private void NewObject(MethodReference ctor)
    {
        var args = PopArguments(ctor.Parameters.Count);
        var declaring = _m.Context.Resolve(ctor.DeclaringType);
        var calleeContext = _m.Context.For(ctor);
        var plugCall = new PlugCall(this, ctor, declaring, calleeContext, args, IsNewObj: true);
        if (_c.Plugs.TryLower(plugCall, out var plugged))
        {
            if (plugged != null)
                Push(plugged);
            return;
        }
        var typeDef = TypeMapper.Resolve(declaring);
        if (!typeDef.IsValueType)
            throw new CompileError(ErrorCodes.ReferenceTypeAllocation,
                $"allocation of reference type '{declaring.Name}' is not supported in kernel code (use a struct and pool memory)");
        var def = ResolveMethod(ctor);
        var type = _c.Types.Map(declaring);
        var temp = NewTemp(type);
        Statement($"ovpn_rt_memset(&{temp}, 0, sizeof({temp}));");
        var self = new Expr("&" + temp, CType.PointerTo(type), Prec.Unary) { AddressOf = temp };
        EmitCall(new MethodInstance(def, calleeContext, declaring), args.Prepend(self).ToList());
        Push(Variable(temp, type));
    }

    private void CallIndirect(CallSite site)
    {
        var target = Pop();
        var args = PopArguments(site.Parameters.Count);
        var fnType = new FunctionPointerType { ReturnType = _m.Context.Resolve(site.ReturnType), CallingConvention = site.CallingConvention };
        foreach (var p in site.Parameters)
            fnType.Parameters.Add(new ParameterDefinition(_m.Context.Resolve(p.ParameterType)));
        var typedef = _c.Types.Map(fnType);
        var fn = target.Type.Name == typedef.Name ? target : CExprs.Cast(target, typedef);
        var parameters = fnType.Parameters.Select(p => _c.Types.Map(p.ParameterType)).ToList();
        var text = $"{fn.At(Prec.Primary)}({string.Join(", ", args.Select((a, i) => Argument(a, parameters[i])))})";
        var ret = _c.Types.Map(fnType.ReturnType);
        if (ret == CType.Void)
            Statement(text + ";");
        else
            Push(new Expr(text, ret, Prec.Primary) { PendingCall = true, Impure = true, Reads = Expr.Union(args.Append(target).ToArray()) });
    }

    private void LoadFunction(MethodReference method)
    {
        var def = ResolveMethod(method);
        if (def.HasThis)
            throw new CompileError(ErrorCodes.UnsupportedCall, "function pointers to instance methods are not supported in kernel code");
        var instance = new MethodInstance(def, _m.Context.For(method), _m.Context.Resolve(method.DeclaringType));
        var name = _c.RequireMethod(instance);
        var fnType = new FunctionPointerType { ReturnType = instance.ReturnType, CallingConvention = CallingConventions.PointerConvention(def) };
        foreach (var p in def.Parameters)
            fnType.Parameters.Add(new ParameterDefinition(instance.Context.Resolve(p.ParameterType)));
        Push(new Expr(name, _c.Types.Map(fnType), Prec.Primary));
    }
}
