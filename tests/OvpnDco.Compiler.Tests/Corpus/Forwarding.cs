using System;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>
/// Values Roslyn parks in unnamed locals or leaves on the stack, which the structurer forwards into their one use:
/// the pinned pointers of <c>fixed</c>, a function pointer loaded before its arguments, <c>new S { F = v }</c> and
/// <c>default(S)</c> arguments, a join stored into an enum field, a test kept across a store. Each case also has a
/// way in which forwarding would be wrong (an argument that writes what the value read) so the C must keep the order.
/// </summary>
[KernelCode]
public static unsafe class Forwarding
{
    public enum Step
    {
        None,
        Creating,
        Binding,
        Ready,
        Failed = 6,
    }

    public struct Box
    {
        public int Value;
    }

    public struct Table
    {
        public delegate*<int, Box, Box, int> Apply;
        public int Calls;
        public Step Step;
        public int Flag;
    }

    private static int Combine(int v, Box a, Box b) => v * 100 + a.Value * 10 + b.Value;

    private static int Swap(int v, Box a, Box b) => -v - a.Value - b.Value;

    /// <summary>Changes the function pointer while the call's arguments are evaluated: the old one must be called.</summary>
    private static int Retarget(Table* t, int v)
    {
        t->Apply = &Swap;
        t->Calls++;
        return v + 1;
    }

    [Export("fwd_fn_pointer_field"), Case(3), Case(-2)]
    public static int FunctionPointerField(int v)
    {
        Table t = default;
        t.Apply = &Combine;
        var first = t.Apply(v, new Box { Value = v + 1 }, default);
        var second = t.Apply(Retarget(&t, v), new Box { Value = 2 }, new Box { Value = t.Calls });
        var third = t.Apply(v, default, new Box { Value = 4 });
        return first * 7 + second * 3 + third + t.Calls;
    }

    private static int Sum(byte* p, int n)
    {
        var s = 0;
        for (var i = 0; i < n; i++)
            s += p[i];
        return s;
    }

    [Export("fwd_fixed_spans"), Case(0), Case(1), Case(5)]
    public static int FixedSpans(int n)
    {
        Span<byte> a = stackalloc byte[8];
        for (var i = 0; i < a.Length; i++)
            a[i] = (byte)(i + 1);
        var b = a.Slice(0, n);
        ReadOnlySpan<byte> c = a.Slice(8 - n);
        fixed (byte* pa = a, pb = b)
        fixed (byte* pc = c)
        {
            var nulls = (pb == null ? 100 : 0) + (pc == null ? 1000 : 0);
            return nulls + Sum(pa, a.Length) * 3 + Sum(pb, b.Length) * 5 + Sum(pc, c.Length);
        }
    }

    [Export("fwd_enum_join"), Case(0, 0), Case(1, 0), Case(0, 1), Case(1, 1)]
    public static int EnumJoin(int closing, int v6)
    {
        Table t = default;
        t.Step = closing != 0 ? Step.None : Step.Failed;
        var next = t.Step == Step.None && v6 != 0 ? Step.Binding : v6 != 0 ? Step.Creating : Step.Ready;
        return (int)t.Step * 10 + (int)next;
    }

    /// <summary>A bool Roslyn keeps on the stack across the store that clears what it tested.</summary>
    [Export("fwd_test_across_store"), Case(0), Case(1), Case(7)]
    public static int TestAcrossStore(int flag)
    {
        Table t = default;
        t.Flag = flag;
        bool notify = t.Flag != 0;
        t.Flag = 0;
        if (!notify)
            return t.Flag - 1;
        return t.Flag + 10;
    }

    private static int Bump(Box* b)
    {
        b->Value += 5;
        return b->Value;
    }

    /// <summary>A field read that waits for a later argument which writes that field: it must not move past it.</summary>
    [Export("fwd_read_before_write"), Case(1), Case(-4)]
    public static int ReadBeforeWrite(int v)
    {
        var b = new Box { Value = v };
        var r = b.Value * 1000 + Bump(&b);
        return r + b.Value;
    }

    private static int KeyOf(in Box b) => b.Value * 3 + 1;

    private static Box Make(int v) => new Box { Value = v };

    /// <summary>Temporaries Roslyn reuses in a loop for `in` arguments (they stay: C needs an lvalue to take its address).</summary>
    [Export("fwd_in_arguments_loop"), Case(0), Case(4)]
    public static int InArgumentsLoop(int n)
    {
        var total = 0;
        for (var i = 0; i < n; i++)
            total += KeyOf(Make(i)) * KeyOf(Make(n - i));
        return total + KeyOf(Make(n));
    }
}
