using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Lowering;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// Every BCL member the compiler replaces, keyed by declaring type and method name. Plugs sit in one file per
/// replaced type (Cosmos style); an overload is picked by a predicate on the referenced signature.
/// </summary>
public sealed class PlugRegistry
{
    private readonly Dictionary<(string Type, string Method), List<(Func<MethodReference, bool> Match, PlugLowering Lower)>> _plugs = new();

    public PlugRegistry()
    {
        SpanPlugs.Register(this);
        MemoryExtensionsPlugs.Register(this);
        MemoryMarshalPlugs.Register(this);
        BinaryPrimitivesPlugs.Register(this);
        UnsafePlugs.Register(this);
        BitOperationsPlugs.Register(this);
        MathPlugs.Register(this);
        InterlockedPlugs.Register(this);
        VolatilePlugs.Register(this);
        ThreadPlugs.Register(this);
        CryptographicOperationsPlugs.Register(this);
        RuntimeHelpersPlugs.Register(this);
    }

    /// <summary>Registers a plug for <c>Type::Method</c> (type as its metadata full name, e.g. <c>System.Span`1</c>).</summary>
    public void Add(string type, string method, PlugLowering lower, Func<MethodReference, bool>? match = null)
    {
        if (!_plugs.TryGetValue((type, method), out var list))
            _plugs[(type, method)] = list = new();
        list.Add((match ?? (_ => true), lower));
    }

    public IEnumerable<string> Members => _plugs.Keys.Select(k => $"{k.Type}::{k.Method}").OrderBy(s => s, StringComparer.Ordinal);

    public bool TryLower(PlugCall call, out Expr? result)
    {
        result = null;
        var type = call.Method.DeclaringType is GenericInstanceType git ? git.ElementType.FullName : call.Method.DeclaringType.FullName;
        if (!_plugs.TryGetValue((type, call.Method.Name), out var list))
            return false;
        foreach (var (match, lower) in list)
        {
            if (!match(call.Method))
                continue;
            result = lower(call);
            return true;
        }
        throw new CompileError(ErrorCodes.UnsupportedCall,
            $"this overload of '{type}.{call.Method.Name}' has no kernel implementation ({call.Method.FullName})");
    }

    // Signature helpers for overload predicates.
    public static Func<MethodReference, bool> Params(params string[] names) => m =>
        m.Parameters.Count == names.Length &&
        m.Parameters.Select(p => Simple(p.ParameterType)).SequenceEqual(names);

    public static Func<MethodReference, bool> ParamCount(int n) => m => m.Parameters.Count == n;

    /// <summary>A short, generic-insensitive spelling of a parameter type: Int32, Span, ReadOnlySpan, T, T&amp;, Void*.</summary>
    public static string Simple(TypeReference t) => t switch
    {
        ByReferenceType r => Simple(r.ElementType) + "&",
        PointerType p => Simple(p.ElementType) + "*",
        GenericInstanceType g => g.ElementType.Name.Split('`')[0],
        GenericParameter => "T",
        RequiredModifierType m => Simple(m.ElementType),
        _ => t.Name.Split('`')[0],
    };
}
