using System.Runtime.InteropServices;
using System.Threading;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>Loops, switch, goto, recursion, ternaries, function pointers, interlocked and volatile.</summary>
[KernelCode]
public static unsafe class ControlFlow
{
    [Export("cf_loop_sum"), Case(10), Case(0), Case(-3)]
    public static int LoopSum(int n)
    {
        var sum = 0;
        for (var i = 0; i < n; i++)
            sum += i * i;
        var j = n;
        while (j > 0)
        {
            sum -= j;
            j -= 2;
        }
        do
        {
            sum++;
        } while (sum < 0);
        return sum;
    }

    [Export("cf_switch_dense"), Case(0), Case(3), Case(7), Case(-1)]
    public static int SwitchDense(int v) => v switch
    {
        0 => 10,
        1 => 11,
        2 => 12,
        3 => 13,
        4 => 14,
        5 => 15,
        _ => -1,
    };

    [Export("cf_switch_sparse"), Case(100), Case(7), Case(1000)]
    public static int SwitchSparse(int v)
    {
        switch (v)
        {
            case 7: return 1;
            case 100: return 2;
            case 1000:
            case 1001: return 3;
            default: return 0;
        }
    }

    [Export("cf_goto"), Case(5)]
    public static int Goto(int n)
    {
        var i = 0;
        var acc = 1;
    again:
        acc *= 2;
        if (++i < n)
            goto again;
        return acc;
    }

    [Export("cf_recursion"), Case(10), Case(20)]
    public static long Fibonacci(int n) => n < 2 ? n : Fibonacci(n - 1) + Fibonacci(n - 2);

    [Export("cf_gcd"), Case(1071, 462), Case(17, 5)]
    public static uint Gcd(uint a, uint b) => b == 0 ? a : Gcd(b, a % b);

    [Export("cf_ternary_nested"), Case(1, 2), Case(5, 2), Case(2, 2)]
    public static int TernaryNested(int a, int b) => a < b ? (a == 1 ? 100 : 200) : (a == b ? 300 : b > 1 ? 400 : 500);

    [Export("cf_short_circuit"), Case(0), Case(5), Case(50)]
    public static int ShortCircuit(int x) => (x > 0 && x < 10) || x == 50 ? 1 : 0;

    [Export("cf_break_continue"), Case(20)]
    public static int BreakContinue(int n)
    {
        var sum = 0;
        for (var i = 0; i < n; i++)
        {
            if (i % 3 == 0)
                continue;
            if (i > 15)
                break;
            sum += i;
        }
        return sum;
    }

    private static int Twice(int v) => v * 2;
    private static int Square(int v) => v * v;

    [Export("cf_function_pointer"), Case(7, 0), Case(7, 1)]
    public static int FunctionPointer(int v, int which)
    {
        delegate*<int, int> f = which == 0 ? &Twice : &Square;
        return f(v) + Apply(&Twice, v);
    }

    private static int Apply(delegate*<int, int> f, int v) => f(f(v));

    [UnmanagedCallersOnly]
    private static int Unmanaged(int v) => v + 1;

    [Export("cf_function_pointer_unmanaged"), Case(41)]
    public static int FunctionPointerUnmanaged(int v)
    {
        delegate* unmanaged<int, int> f = &Unmanaged;
        return f(v);
    }

    private static int s_counter;
    private static long s_counter64;

    [Export("cf_interlocked"), Case(5)]
    public static long InterlockedOps(int v)
    {
        s_counter = v;
        var a = Interlocked.Increment(ref s_counter);
        var b = Interlocked.Decrement(ref s_counter);
        var c = Interlocked.Add(ref s_counter, 10);
        var d = Interlocked.Exchange(ref s_counter, 100);
        var e = Interlocked.CompareExchange(ref s_counter, 7, 100);
        var f = Interlocked.CompareExchange(ref s_counter, 9, 100);
        s_counter64 = long.MaxValue;
        var g = Interlocked.Increment(ref s_counter64);
        var h = Interlocked.Exchange(ref s_counter64, 3);
        var i = Interlocked.CompareExchange(ref s_counter64, 4, 3);
        return a + b * 10 + c * 100 + d + e + f * 1000 + s_counter + (g == long.MinValue ? 1 : 0) + (h == long.MinValue ? 2 : 0) + i + s_counter64;
    }

    [Export("cf_volatile"), Case(9)]
    public static int VolatileOps(int v)
    {
        var x = 0;
        Volatile.Write(ref x, v);
        return Volatile.Read(ref x) + 1;
    }

    private static int s_spinWord;

    /// <summary>A test-and-test-and-set spin lock (the shape of the driver's SlotLock), taken and released v times.</summary>
    [Export("cf_spin_lock"), Case(0), Case(3)]
    public static int SpinLockOps(int v)
    {
        var taken = 0;
        for (var i = 0; i < v; i++)
        {
            while (Interlocked.CompareExchange(ref s_spinWord, 1, 0) != 0)
            {
                while (Volatile.Read(ref s_spinWord) != 0)
                    Thread.SpinWait(1);
            }
            taken += s_spinWord;
            Interlocked.Exchange(ref s_spinWord, 0);
        }
        Thread.SpinWait(v);
        return taken * 10 + s_spinWord;
    }

    [Export("cf_stackalloc_init"), Case(2)]
    public static int StackallocInit(int i)
    {
        System.Span<byte> a = stackalloc byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        System.Span<byte> z = stackalloc byte[] { 0, 0, 0, 0, 0, 0, 0, 0 };
        System.Span<byte> s = stackalloc byte[] { 7, 7, 7, 7, 7, 7, 7, 7, 7 };
        return a[i] + z[i] + s[i] + a.Length;
    }
}
