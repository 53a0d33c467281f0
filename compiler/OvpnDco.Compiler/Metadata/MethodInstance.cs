using System.Linq;
using Mono.Cecil;

namespace OvpnDco.Compiler.Metadata;

/// <summary>One method with all its generic parameters bound: the unit the compiler emits as a C function.</summary>
public sealed class MethodInstance
{
    public MethodInstance(MethodDefinition definition, GenericContext context, TypeReference declaringType)
    {
        Definition = definition;
        Context = context;
        DeclaringType = declaringType;
        Key = TypeKeys.Of(declaringType) + "::" + definition.Name + "<" +
              string.Join(",", context.MethodArgs.Select(TypeKeys.Of)) + ">(" +
              string.Join(",", definition.Parameters.Select(p => TypeKeys.Of(context.Resolve(p.ParameterType)))) + ")" +
              TypeKeys.Of(context.Resolve(definition.ReturnType));
    }

    public MethodDefinition Definition { get; }

    public GenericContext Context { get; }

    /// <summary>The closed declaring type (a GenericInstanceType for methods of generic structs).</summary>
    public TypeReference DeclaringType { get; }

    /// <summary>Identity across the compilation (stable, used for de-duplication and ordering).</summary>
    public string Key { get; }

    public TypeReference ReturnType => Context.Resolve(Definition.ReturnType);

    public TypeReference ParameterType(int index) => Context.Resolve(Definition.Parameters[index].ParameterType);

    public override string ToString() => Key;
}

/// <summary>Stable textual keys of closed types.</summary>
public static class TypeKeys
{
    /// <summary>A function pointer's key carries its calling convention, which Cecil's FullName leaves out.</summary>
    public static string Of(TypeReference t) => t is FunctionPointerType fp ? CallingConventions.Of(fp) + t.FullName : t.FullName;
}
