using System.Collections.Generic;
using Mono.Cecil;
using OvpnDco.Compiler.Lowering;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Plugs;

/// <summary>
/// One call site handed to a plug: the BCL method being replaced (with its closed declaring type and generic
/// arguments) and the argument expressions (for instance methods <c>Args[0]</c> is the <c>this</c> pointer).
/// </summary>
public sealed record PlugCall(
    MethodLowering Lowering,
    MethodReference Method,
    TypeReference DeclaringType,
    GenericContext CalleeContext,
    IReadOnlyList<Expr> Args,
    bool IsNewObj)
{
    public Expr this[int i] => Args[i];

    /// <summary>The i-th generic argument of the method (e.g. T of Unsafe.As&lt;T&gt;), as a C type.</summary>
    public CType MethodTypeArg(int i) => Lowering.MapType(CalleeContext.MethodArgs[i]);

    public TypeReference MethodTypeArgRef(int i) => CalleeContext.MethodArgs[i];

    /// <summary>The i-th generic argument of the declaring type (e.g. T of Span&lt;T&gt;).</summary>
    public CType TypeArg(int i) => Lowering.MapType(CalleeContext.TypeArgs[i]);

    public CType Map(TypeReference open) => Lowering.MapType(CalleeContext.Resolve(open));

    public CType ReturnType => Map(Method.ReturnType);

    /// <summary>The value a constructor plug built: pushed for newobj, stored through 'this' for 'call .ctor'.</summary>
    public Expr? Construct(Expr value)
    {
        if (IsNewObj)
            return value;
        Lowering.WriteThrough(Args[0], value.Type, value);
        return null;
    }

    /// <summary>A value that must be computed once (it is used twice in the plug's C).</summary>
    public Expr Once(Expr e, string? name = null) =>
        e.Constant != null || e.AddressOf != null || (e.IsSimple && e.Precedence == Prec.Primary) ||
        (!e.PendingCall && IsLvaluePath(e.Text)) ? e : Lowering.Temp(name == null || e.Hint != null ? e : e with { Hint = name });

    /// <summary>
    /// <c>x</c>, <c>x.f</c>, <c>p-&gt;f.g</c>: reading it twice in one expression gives the same value twice (no call
    /// in between) and costs nothing a reader would want named.
    /// </summary>
    public static bool IsLvaluePath(string text) => LvaluePath.IsMatch(text);

    private static readonly System.Text.RegularExpressions.Regex LvaluePath =
        new(@"^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public void Statement(string text) => Lowering.EmitStatement(text);

    public bool BoundsChecks => Lowering.Options.BoundsChecks;
}

/// <summary>Lowers one plugged call; returns the value (null for void or when it emitted statements).</summary>
public delegate Expr? PlugLowering(PlugCall call);
