using OvpnDco.Runtime;

namespace Corpus;

/// <summary>
/// Shapes for the graph-based structuring (issue 13): nested loops with break/continue, loops with several
/// exits, switch inside loops (where C's break means the switch), early returns inside try/finally, gotos out
/// of two loops, an irreducible graph, short-circuit conditions that share a join.
/// </summary>
[KernelCode]
public static class Structured
{
    [Export("st_nested_break_continue"), Case(0), Case(5), Case(9), Case(-2)]
    public static int NestedBreakContinue(int n)
    {
        var acc = 0;
        for (var i = 0; i < n; i++)
        {
            if (i % 3 == 1)
                continue;
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                    continue;
                if (j > i + 2)
                    break;
                acc = acc * 3 + j - i;
            }
            if (acc > 100000)
                break;
            acc ^= i;
        }
        return acc;
    }

    [Export("st_multiple_exits"), Case(0), Case(3), Case(17), Case(40), Case(-1)]
    public static int MultipleExits(int n)
    {
        var i = 0;
        var sum = 0;
        while (i < 50)
        {
            sum += i;
            if (sum > n * 7)
                break;
            if (i * i == n)
                return -i;
            i++;
            if (sum == 45)
                goto special;
        }
        return sum * 100 + i;
    special:
        return 12345 + n;
    }

    [Export("st_switch_in_loop"), Case(0), Case(4), Case(11), Case(30)]
    public static int SwitchInLoop(int n)
    {
        var acc = 1;
        for (var i = 0; i < n; i++)
        {
            switch (i % 5)
            {
                case 0:
                    acc += 3;
                    break;
                case 1:
                    continue;
                case 2:
                case 3:
                    acc *= 2;
                    if (acc > 1000)
                        return acc;
                    break;
                default:
                    acc -= i;
                    break;
            }
            acc++;
        }
        return acc;
    }

    [Export("st_switch_fallback"), Case(0), Case(1), Case(2), Case(3), Case(6), Case(-4)]
    public static int SwitchFallback(int v)
    {
        var r = 0;
        switch (v)
        {
            case 0: r = 5; break;
            case 1: r = 7; goto case 0;
            case 2: return 99;
            case 3: r = -1; break;
        }
        return r * 10 + v;
    }

    [Export("st_goto_out_of_two_loops"), Case(0), Case(3), Case(8)]
    public static int GotoOutOfTwoLoops(int n)
    {
        var found = -1;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i * j == 6)
                {
                    found = i * 10 + j;
                    goto done;
                }
            }
        }
        return found;
    done:
        return found + 1000;
    }

    [Export("st_irreducible"), Case(0), Case(1), Case(7), Case(20)]
    public static int Irreducible(int n)
    {
        var x = 0;
        if ((n & 1) != 0)
            goto second;
    first:
        x += 3;
        if (x > n)
            return x;
    second:
        x *= 2;
        if (x < 100)
            goto first;
        return -x;
    }

    [Export("st_do_while_continue"), Case(0), Case(6), Case(13)]
    public static int DoWhileContinue(int n)
    {
        var i = 0;
        var acc = 0;
        do
        {
            i++;
            if ((i & 1) == 0)
                continue;
            acc += i;
        } while (i < n);
        return acc * 100 + i;
    }

    [Export("st_short_circuit"), Case(0, 0), Case(1, 5), Case(4, 4), Case(-3, 9), Case(7, -7)]
    public static int ShortCircuit(int a, int b)
    {
        var r = 0;
        if (a > 0 && (b == a || b < 0))
            r += 1;
        else if (a < 0 || b > 8)
            r += 2;
        if ((a ^ b) != 0 && (a == 1 || b == 9) && a + b < 20)
            r += 10;
        while (a > 0 && b > 0)
        {
            a--;
            b -= 2;
            r += 100;
        }
        return r;
    }

    [Export("st_finally_early_returns"), Case(0), Case(2), Case(5), Case(9), Case(-1)]
    public static int FinallyEarlyReturns(int n)
    {
        Resource.Released = 0;
        var r = Body(n);
        return r * 100000 + Resource.Released % 100000;
    }

    private static int Body(int n)
    {
        using var a = new Resource { Id = 1 };
        if (n < 0)
            return -1;
        for (var i = 0; i < 4; i++)
        {
            using var b = new Resource { Id = 2 };
            if (i == n)
                return i * 10;
            for (var j = 0; j < 3; j++)
            {
                using var c = new Resource { Id = 3 };
                if (j + i == n)
                    break;
                if (j == 1)
                    continue;
                if (i + j == 5)
                    return 77;
            }
        }
        return n;
    }

    // Loop counters printed as i++ (the test just passed, so no overflow) and the ones that must stay wrapping.
    [Export("st_counters"), Case(0), Case(5), Case(2147483640)]
    public static int Counters(int n)
    {
        var acc = 0;
        for (var i = int.MaxValue - 4; i < int.MaxValue; i++)
            acc += i & 7;
        for (var i = 0; i < (n & 15); i++)
        {
            if ((i & 3) == 1)
                i += 2; // written in the body: stays wrapping
            acc++;
        }
        for (var i = 0; i < 3; i++)
            Bump(ref i, n); // address taken
        var k = n;
        for (var i = 0; i < 4; i++)
            k++; // wraps at int.MaxValue
        return acc + k;
    }

    private static void Bump(ref int i, int n)
    {
        if (n == 5)
            i++;
    }

    [Export("st_call_in_condition"), Case(0), Case(3), Case(-8)]
    public static int CallInCondition(int n)
    {
        var r = 0;
        if (IsSmall(n))
            r += 1;
        while (!IsSmall(n))
            n /= 2;
        if (IsSmall(n) && IsSmall(n + 1))
            r += 10;
        return r * 100 + n;
    }

    private static bool IsSmall(int v) => v > -4 && v < 4;
}
