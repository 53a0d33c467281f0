using System;
using System.Buffers.Binary;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>[Plug]: user C# replacing BCL members (static, instance, generic) and a C-function plug.</summary>
[KernelCode]
public static class MathPlugs
{
    [Plug(typeof(Math), "BigMul")]
    public static ulong BigMul(uint a, uint b) => (ulong)a * b;

    [Plug(typeof(int), "CompareTo")]
    public static int CompareTo(ref int self, int other) => self < other ? -1 : self > other ? 1 : 0;

    // Overrides the compiler's own plug: the C runtime's byte swap, bound by name.
    [Plug(typeof(BinaryPrimitives), "ReverseEndianness", CFunction = "ovpn_rt_bswap32")]
    public static uint ReverseEndianness(uint value) => BinaryPrimitives.ReverseEndianness(value);

    [Plug(typeof(MemoryExtensions), "Reverse")]
    public static void Reverse<T>(Span<T> self)
    {
        for (int i = 0, j = self.Length - 1; i < j; i++, j--)
        {
            var t = self[i];
            self[i] = self[j];
            self[j] = t;
        }
    }
}

[KernelCode]
public static class UserPlugCases
{
    [Export("plug_bigmul"), Case(4294967295, 4294967295), Case(3, 5)]
    public static ulong BigMul(uint a, uint b) => Math.BigMul(a, b);

    [Export("plug_compare_to"), Case(1, 2), Case(5, 5), Case(-1, -7)]
    public static int CompareTo(int a, int b) => a.CompareTo(b);

    [Export("plug_c_function"), Case(0x11223344)]
    public static uint CFunction(uint v) => BinaryPrimitives.ReverseEndianness(v);

    [Export("plug_generic_instance"), Case(5)]
    public static int GenericInstance(int n)
    {
        Span<int> s = stackalloc int[8];
        for (var i = 0; i < s.Length; i++)
            s[i] = i * n;
        s.Reverse();
        return s[0] * 100 + s[7];
    }
}
