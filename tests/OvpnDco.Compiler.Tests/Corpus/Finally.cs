using System;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>using/foreach over struct resources: try/finally that the compiler lowers without exceptions.</summary>
[KernelCode]
public struct Resource : IDisposable
{
    public static int Released;
    public int Id;
    public void Dispose() => Released = Released * 10 + Id;
}

[KernelCode]
public struct Countdown
{
    public int Value;
    public static int Disposed;
    public readonly int Current => Value;
    public bool MoveNext() => --Value >= 0;
    public void Dispose() => Disposed++;
}

[KernelCode]
public struct CountdownRange
{
    public int From;
    public Countdown GetEnumerator() => new Countdown { Value = From };
}

[KernelCode]
public static class Finally
{
    [Export("finally_using"), Case(3), Case(0)]
    public static int Using(int v)
    {
        Resource.Released = 0;
        var total = 0;
        using (var r = new Resource { Id = 1 })
        {
            total += v * r.Id;
            using var inner = new Resource { Id = 2 };
            total += inner.Id;
        }
        return total * 1000 + Resource.Released;
    }

    [Export("finally_return_inside"), Case(5), Case(-5)]
    public static int ReturnInside(int v)
    {
        Resource.Released = 0;
        var result = Nested(v);
        return result * 1000 + Resource.Released;
    }

    private static int Nested(int v)
    {
        using var a = new Resource { Id = 3 };
        using var b = new Resource { Id = 4 };
        if (v > 0)
            return v; // leaves both try regions: b then a are disposed
        for (var i = 0; i < 3; i++)
        {
            using var c = new Resource { Id = 5 };
            if (i == 1)
                break;
            v--;
        }
        return v;
    }

    [Export("finally_foreach_struct_enumerator"), Case(4)]
    public static int ForeachStruct(int n)
    {
        Countdown.Disposed = 0;
        var sum = 0;
        foreach (var x in new CountdownRange { From = n })
            sum += x * 10;
        foreach (var _ in new CountdownRange { From = n })
            sum++;
        return sum * 100 + Countdown.Disposed;
    }
}
