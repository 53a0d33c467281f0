using System.Linq;
using Mono.Cecil;

namespace OvpnDco.Compiler.Metadata;

/// <summary>
/// The concrete type arguments in force while compiling one method instance: the declaring type's and the
/// method's. <see cref="Resolve"/> turns any signature type into a closed one (monomorphization).
/// </summary>
public sealed class GenericContext
{
    public static readonly GenericContext Empty = new(null, null);

    public GenericContext(TypeReference[]? typeArgs, TypeReference[]? methodArgs)
    {
        TypeArgs = typeArgs ?? System.Array.Empty<TypeReference>();
        MethodArgs = methodArgs ?? System.Array.Empty<TypeReference>();
    }

    public TypeReference[] TypeArgs { get; }

    public TypeReference[] MethodArgs { get; }

    public TypeReference Resolve(TypeReference type)
    {
        switch (type)
        {
            case GenericParameter gp:
                var args = gp.Type == GenericParameterType.Method ? MethodArgs : TypeArgs;
                return gp.Position < args.Length ? args[gp.Position] : gp;
            case RequiredModifierType rm:
                return Resolve(rm.ElementType);
            case OptionalModifierType om:
                return Resolve(om.ElementType);
            case PinnedType pinned:
                return Resolve(pinned.ElementType);
            case PointerType ptr:
                return new PointerType(Resolve(ptr.ElementType));
            case ByReferenceType byRef:
                return new ByReferenceType(Resolve(byRef.ElementType));
            case ArrayType array:
                return new ArrayType(Resolve(array.ElementType), array.Rank);
            case GenericInstanceType git:
                var closed = new GenericInstanceType(git.ElementType);
                foreach (var a in git.GenericArguments)
                    closed.GenericArguments.Add(Resolve(a));
                return closed;
            case FunctionPointerType fp:
                var f = new FunctionPointerType
                {
                    ReturnType = Resolve(fp.ReturnType),
                    CallingConvention = fp.CallingConvention,
                    HasThis = fp.HasThis,
                    ExplicitThis = fp.ExplicitThis,
                };
                foreach (var p in fp.Parameters)
                    f.Parameters.Add(new ParameterDefinition(Resolve(p.ParameterType)));
                return f;
            default:
                return type;
        }
    }

    /// <summary>The context in which a referenced method (maybe on a generic instance type) runs.</summary>
    public GenericContext For(MethodReference callee)
    {
        var typeArgs = callee.DeclaringType is GenericInstanceType git
            ? git.GenericArguments.Select(Resolve).ToArray()
            : null;
        var methodArgs = callee is GenericInstanceMethod gim
            ? gim.GenericArguments.Select(Resolve).ToArray()
            : null;
        return new GenericContext(typeArgs, methodArgs);
    }

    /// <summary>The context of a closed type's own members (fields of a generic struct).</summary>
    public static GenericContext OfType(TypeReference closedType) =>
        closedType is GenericInstanceType git ? new GenericContext(git.GenericArguments.ToArray(), null) : Empty;
}
