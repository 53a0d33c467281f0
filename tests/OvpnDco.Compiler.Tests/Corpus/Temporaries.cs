using System;
using System.Buffers.Binary;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>
/// Values the compiler keeps out of temporaries: slices read in place (one bounds check), call results passed
/// straight on, join values folded back into ?:, default(T) arguments, arithmetic whose range is known.
/// </summary>
[KernelCode]
public static class Temporaries
{
    public struct Pair
    {
        public int A;
        public int B;
    }

    private static int Weigh(Pair p, int k) => p.A * 3 + p.B * k;

    private static int Next(ref int counter) => ++counter;

    private static int Square(int x) => x * x;

    [Export("tmp_slice_read"), Case(0), Case(4), Case(8)]
    [Fails("slice out of range", 9), Fails("slice out of range", -1)]
    public static int SliceRead(int offset)
    {
        Span<byte> buffer = stackalloc byte[12];
        for (var i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)(i * 7 + 1);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), 0xBEEF);
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(offset)) ^ BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(offset / 2));
    }

    [Export("tmp_ternary_chain"), Case(0, 0), Case(1, 0), Case(0, 1), Case(5, 5), Case(-3, 9)]
    public static int TernaryChain(int a, int b)
    {
        var mode = a > 0 ? 4 : b > 0 ? 2 : 1;
        var size = Math.Min(a + 100, b * 3 + 7);
        var pair = new Pair { A = a, B = a > b ? b : a };
        return mode * 1000 + size + Weigh(pair, b != 0 ? 3 : 5);
    }

    [Export("tmp_call_chain"), Case(3), Case(-4), Case(0)]
    public static int CallChain(int x)
    {
        var c = x;
        var r = Square(Next(ref c));
        var t = x > 0 ? Square(x) : Next(ref c);
        return r * 10 + Square(Square(c)) + Weigh(default, Next(ref c)) + c * 7 + t;
    }

    [Export("tmp_default_reused"), Case(2), Case(7)]
    public static int DefaultReused(int n)
    {
        var total = Weigh(default, n);
        Pair p = default;
        p.A = n;
        total += Weigh(p, 1);
        total += Weigh(default, 2);
        return total + p.A;
    }

    [Export("tmp_index_post_increment"), Case(3), Case(11)]
    [Fails("index out of range", 12)]
    public static int IndexPostIncrement(int n)
    {
        Span<byte> info = stackalloc byte[12];
        var k = 0;
        info[k++] = (byte)(n + 1);
        info[k++] = (byte)k;
        info[n] = (byte)(info[0] + k);
        return info[0] * 100 + info[1] * 10 + info[n] + k;
    }

    [Export("tmp_range_arith"), Case(0), Case(200), Case(-5), Case(65)]
    public static int RangeArith(int n)
    {
        Span<byte> b = stackalloc byte[40];
        b[0] = (byte)n;
        var u = (ushort)(n * 1000);
        var len = b.Slice(3).Length - 12 - 16;
        var small = (ushort)(u + 1) + (b[0] & 15) * 4;
        return len + small + (b[0] - 300) + (ushort)(u * 3);
    }

    [Export("tmp_join_copy"), Case(1, 0), Case(1, 1), Case(-2, 1)]
    public static int JoinCopy(int x, int b)
    {
        var r = x + (b != 0 ? (x = 3) : 4);
        return r * 10 + x;
    }

    [Export("twice_of"), Case(4)]
    public static int TwiceOf(int x) => x * 2;

    /// <summary>A result that waits in a temporary named after its call, which is also a C function here.</summary>
    [Export("tmp_named_like_callee"), Case(3), Case(-7)]
    public static int NamedLikeCallee(int x)
    {
        var r = 1;
        r += TwiceOf(x) * TwiceOf(x + 1);
        return r;
    }

    /// <summary>Loop indices whose range the loop test proves: i + 1 and i - 4 inside, i-- down to 0.</summary>
    [Export("tmp_loop_ranges"), Case(0), Case(5), Case(12), Case(40), Case(-3)]
    public static int LoopRanges(int n)
    {
        Span<byte> buf = stackalloc byte[16];
        for (var i = 0; i < buf.Length; i++)
            buf[i] = (byte)(i * 3);
        var acc = 0;
        for (var i = 4; i < 16 && i < n; i++)
            acc += buf[i - 4] * (i + 1);
        for (var b = n; b >= 0; b--)
            acc ^= b;
        return acc;
    }
}
