using System.Collections.Concurrent;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// Methods that store nothing outside their own locals: no field, static, pointer or array store, no block copy, and
/// only calls to such methods (or to the BCL readers below). A call to one cannot change a value read before it, so
/// that value need not wait in a temporary. Conservative: an import, an interface or function-pointer call, an
/// allocation or recursion counts as a store.
/// </summary>
internal static class Purity
{
    private static readonly ConcurrentDictionary<MethodDefinition, bool> Known = new();

    /// <summary>BCL members that only read (a ref they return is written, if at all, by a store the caller makes).</summary>
    private static bool IsBclReader(MethodReference m)
    {
        var type = m.DeclaringType.Namespace + "." + m.DeclaringType.Name;
        return type switch
        {
            "System.ReadOnlySpan`1" or "System.Span`1" => m.Name is "get_Item" or "get_Length" or "get_IsEmpty" or "Slice" or "op_Implicit" or "get_Empty" or ".ctor",
            "System.Buffers.Binary.BinaryPrimitives" => m.Name.StartsWith("Read", System.StringComparison.Ordinal) || m.Name == "ReverseEndianness",
            "System.Math" or "System.Numerics.BitOperations" => true,
            "System.MemoryExtensions" => m.Name is "SequenceEqual" or "IndexOf" or "StartsWith",
            _ => false,
        };
    }

    public static bool StoresNothing(MethodDefinition method)
    {
        if (Known.TryGetValue(method, out var known))
            return known;
        Known[method] = false; // recursion: assume it stores
        var result = Analyse(method);
        Known[method] = result;
        return result;
    }

    private static bool Analyse(MethodDefinition method)
    {
        if (!method.HasBody || method.IsPInvokeImpl || method.IsInternalCall)
            return false;
        Instruction? previous = null;
        foreach (var ins in method.Body.Instructions)
        {
            switch (ins.OpCode.Code)
            {
                case Code.Newobj when IsBclReader((MethodReference)ins.Operand):
                    break; // a span over data (new ReadOnlySpan<byte>(&table, n)): a value, no store
                case Code.Stfld or Code.Stsfld or Code.Stobj or Code.Cpblk or Code.Initblk or Code.Cpobj or Code.Newobj or Code.Newarr:
                case >= Code.Stind_Ref and <= Code.Stind_R8:
                case Code.Stind_I:
                case >= Code.Stelem_I and <= Code.Stelem_Ref:
                case Code.Stelem_Any:
                case Code.Calli:
                    return false;
                case Code.Initobj when previous?.OpCode.Code is not (Code.Ldloca or Code.Ldloca_S):
                    return false;
                case Code.Call or Code.Callvirt:
                    var callee = (MethodReference)ins.Operand;
                    if (IsBclReader(callee))
                        break;
                    MethodDefinition? target;
                    try
                    {
                        target = callee.Resolve();
                    }
                    catch (AssemblyResolutionException)
                    {
                        return false;
                    }
                    if (target == null || target.IsAbstract || target.DeclaringType.IsInterface || !StoresNothing(target))
                        return false;
                    break;
            }
            if (ins.OpCode.Code != Code.Nop)
                previous = ins;
        }
        return true;
    }
}
