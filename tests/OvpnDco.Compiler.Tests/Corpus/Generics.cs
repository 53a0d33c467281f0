using OvpnDco.Runtime;

namespace Corpus;

/// <summary>The platform pattern: static abstract interface members as generic constraints, monomorphized.</summary>
public interface IPlatformLike
{
    static abstract int Tag { get; }
    static abstract int Combine(int a, int b);
    int InstanceValue();
}

[KernelCode]
public struct AddPlatform : IPlatformLike
{
    public int Seed;
    public static int Tag => 1;
    public static int Combine(int a, int b) => a + b;
    public int InstanceValue() => Seed * 2;
}

[KernelCode]
public struct XorPlatform : IPlatformLike
{
    public int Seed;
    public static int Tag => 2;
    public static int Combine(int a, int b) => a ^ b;
    public int InstanceValue() => Seed + 100;
}

[KernelCode]
public struct Pair<T> where T : unmanaged
{
    public T First;
    public T Second;
    public Pair(T first, T second)
    {
        First = first;
        Second = second;
    }
}

[KernelCode]
public static class Engine<TPlatform> where TPlatform : struct, IPlatformLike
{
    private static int s_calls;

    public static int Run(int a, int b)
    {
        s_calls++;
        return TPlatform.Combine(a, b) * 10 + TPlatform.Tag + s_calls * 1000;
    }

    public static int Instance(ref TPlatform p) => p.InstanceValue();
}

[KernelCode]
public static class Generics
{
    [Export("generic_static_abstract"), Case(6, 3)]
    public static int StaticAbstract(int a, int b) => Engine<AddPlatform>.Run(a, b) + Engine<XorPlatform>.Run(a, b) * 100000;

    [Export("generic_instance_constrained"), Case(21)]
    public static int InstanceConstrained(int seed)
    {
        var a = new AddPlatform { Seed = seed };
        var x = new XorPlatform { Seed = seed };
        return Engine<AddPlatform>.Instance(ref a) * 1000 + Engine<XorPlatform>.Instance(ref x);
    }

    [Export("generic_struct"), Case(5, 7)]
    public static long GenericStruct(int a, long b)
    {
        var p = new Pair<int>(a, a + 1);
        var q = new Pair<long>(b, b * 2);
        return Swap(p).First * 100 + Swap(q).Second;
    }

    private static Pair<T> Swap<T>(Pair<T> p) where T : unmanaged => new Pair<T>(p.Second, p.First);

    [Export("generic_method"), Case(3)]
    public static int GenericMethod(int v) => Max(v, 5) + Max((byte)v, (byte)9) + SizeOf<long>() + SizeOf<Pair<short>>();

    private static T Max<T>(T a, T b) where T : System.IComparable<T> => a.CompareTo(b) > 0 ? a : b;

    private static unsafe int SizeOf<T>() where T : unmanaged => sizeof(T);

    [Export("generic_default"), Case(9)]
    public static long GenericDefault(int v)
    {
        var a = Reset(v);
        var b = Reset((long)v * 3);
        var p = Reset(new Pair<int>(v, v));
        return a + b + p.First + p.Second + v;
    }

    // initobj on an integer and on a struct: default(T) through a generic parameter.
    private static T Reset<T>(T value) where T : unmanaged
    {
        var copy = value;
        copy = default;
        return copy;
    }
}
