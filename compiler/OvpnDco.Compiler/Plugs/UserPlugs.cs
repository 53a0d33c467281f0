using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// Plugs written by users with <c>[Plug(typeof(T), "Method")]</c>: a static method in the compiled assembly that
/// replaces a BCL method. Its parameters are the target's (an instance target's <c>this</c> first, by ref for
/// value types); a generic plug takes the target type's generic arguments, then the target method's. With
/// <c>CFunction = "name"</c> the call goes to that C function instead of the plug's C# body. User plugs win over
/// the compiler's own.
/// </summary>
public sealed class UserPlugs
{
    public const string PlugAttribute = "OvpnDco.Runtime.PlugAttribute";

    private readonly Dictionary<(string Type, string Method), List<(MethodDefinition Plug, string? CFunction)>> _plugs = new();

    public UserPlugs(ModuleDefinition module)
    {
        foreach (var method in module.Types.SelectMany(All).SelectMany(t => t.Methods))
        {
            var attr = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == PlugAttribute);
            if (attr == null)
                continue;
            if (attr.ConstructorArguments.Count != 2 || attr.ConstructorArguments[0].Value is not TypeReference target ||
                attr.ConstructorArguments[1].Value is not string name)
                throw new CompileError(ErrorCodes.BadExport, $"[Plug] on '{method.FullName}' needs (typeof(Type), \"Method\")");
            if (!method.IsStatic)
                throw new CompileError(ErrorCodes.BadExport, $"plug '{method.Name}' must be a static method");
            var cFunction = attr.Properties.FirstOrDefault(p => p.Name == "CFunction").Argument.Value as string;
            var key = (target.FullName, name);
            if (!_plugs.TryGetValue(key, out var list))
                _plugs[key] = list = new();
            var signature = Signature(method.Parameters.Select(p => p.ParameterType));
            if (list.Any(p => Signature(p.Plug.Parameters.Select(x => x.ParameterType)) == signature))
                throw new CompileError(ErrorCodes.BadExport, $"two plugs replace '{target.FullName}.{name}({signature})'");
            list.Add((method, cFunction));
        }
    }

    public int Count => _plugs.Values.Sum(l => l.Count);

    /// <summary>The plug for a call of <paramref name="method"/>, if a user wrote one.</summary>
    public bool TryFind(MethodReference method, out MethodDefinition plug, out string? cFunction)
    {
        var type = method.DeclaringType is GenericInstanceType git ? git.ElementType.FullName : method.DeclaringType.FullName;
        if (_plugs.TryGetValue((type, method.Name), out var list))
        {
            // Overloads are told apart by parameter types ('this' first for instance targets, by ref or not).
            var target = (method.HasThis ? new[] { method.DeclaringType } : Array.Empty<TypeReference>())
                .Concat(method.Parameters.Select(p => p.ParameterType));
            var wanted = Signature(target);
            foreach (var candidate in list)
            {
                var parameters = candidate.Plug.Parameters.Select((p, i) =>
                    method.HasThis && i == 0 && p.ParameterType is ByReferenceType r ? r.ElementType : p.ParameterType);
                if (Signature(parameters) != wanted)
                    continue;
                plug = candidate.Plug;
                cFunction = candidate.CFunction;
                return true;
            }
        }
        plug = null!;
        cFunction = null;
        return false;
    }

    /// <summary>The generic context of the plug: the target type's arguments, then the target method's.</summary>
    public static GenericContext ContextFor(MethodDefinition plug, GenericContext callee)
    {
        var args = callee.TypeArgs.Concat(callee.MethodArgs).ToArray();
        if (args.Length != plug.GenericParameters.Count)
            throw new CompileError(ErrorCodes.BadExport,
                $"plug '{plug.Name}' has {plug.GenericParameters.Count} generic parameters; the replaced method needs {args.Length} (type's, then method's)");
        return new GenericContext(null, args);
    }

    private static string Signature(IEnumerable<TypeReference> types) => string.Join(",", types.Select(PlugRegistry.Simple));

    private static IEnumerable<TypeDefinition> All(TypeDefinition t) => new[] { t }.Concat(t.NestedTypes.SelectMany(All));
}
