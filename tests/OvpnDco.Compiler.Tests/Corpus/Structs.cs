using System;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;

namespace Corpus;

[KernelCode]
public struct Point
{
    public int X;
    public int Y;

    public Point(int x, int y)
    {
        X = x;
        Y = y;
    }

    public readonly int ManhattanLength => Math.Abs(X) + Math.Abs(Y);

    public void Scale(int by)
    {
        X *= by;
        Y *= by;
    }
}

[KernelCode]
public struct Segment
{
    public Point From;
    public Point To;
    public byte Flags;
}

[KernelCode]
[StructLayout(LayoutKind.Explicit)]
public struct Overlay
{
    [FieldOffset(0)] public uint Word;
    [FieldOffset(0)] public byte Low;
    [FieldOffset(3)] public byte High;
}

[KernelCode]
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Packed
{
    public byte Tag;
    public uint Value;
    public ushort Tail;
}

[KernelCode]
public unsafe struct KeyMaterial
{
    public fixed byte Key[32];
    public byte KeyLen;
    public fixed byte NonceTail[8];
}

[KernelCode]
public static unsafe class Structs
{
    [Export("struct_by_value"), Case(3, 4), Case(-3, 9)]
    public static int ByValue(int x, int y) => Length(new Point(x, y));

    private static int Length(Point p) => p.ManhattanLength;

    [Export("struct_by_ref"), Case(3, 4, 5)]
    public static int ByRef(int x, int y, int k)
    {
        var p = new Point(x, y);
        Scale(ref p, k);
        p.Scale(2);
        return p.X * 1000 + p.Y;
    }

    private static void Scale(ref Point p, int k)
    {
        p.X *= k;
        p.Y += k;
    }

    [Export("struct_nested"), Case(1, 2, 3, 4)]
    public static int Nested(int a, int b, int c, int d)
    {
        Segment s = default;
        s.From = new Point(a, b);
        s.To.X = c;
        s.To.Y = d;
        s.Flags = 0xFF;
        var copy = s;
        copy.From.X = 100;
        return s.From.X + s.To.Y * 10 + copy.From.X * 100 + s.Flags;
    }

    [Export("struct_return"), Case(7)]
    public static int Return(int v)
    {
        var p = Make(v);
        return p.X - p.Y;
    }

    private static Point Make(int v) => new Point { X = v * 2, Y = v };

    [Export("struct_out_param"), Case(9)]
    public static int OutParam(int v)
    {
        Split(v, out var lo, out var hi);
        return lo * 100 + hi;
    }

    private static void Split(int v, out int lo, out int hi)
    {
        lo = v % 4;
        hi = v / 4;
    }

    [Export("struct_in_param"), Case(5, 6)]
    public static int InParam(int x, int y)
    {
        var p = new Point(x, y);
        return Sum(in p);
    }

    private static int Sum(in Point p) => p.X + p.Y;

    [Export("struct_sizes"), Case]
    public static int Sizes() => sizeof(Point) * 10000 + sizeof(Segment) * 100 + sizeof(Packed) + sizeof(Overlay) * 1000000 + sizeof(KeyMaterial) * 100000000;

    [Export("struct_explicit"), Case(0x11223344)]
    public static int Explicit(uint word)
    {
        Overlay o = default;
        o.Word = word;
        return o.Low * 256 + o.High;
    }

    [Export("struct_packed"), Case(5, 0x01020304, 9)]
    public static long PackedFields(byte tag, uint value, ushort tail)
    {
        var p = new Packed { Tag = tag, Value = value, Tail = tail };
        var copy = p;
        return copy.Tag + (long)copy.Value * 10 + copy.Tail;
    }

    [Export("struct_fixed_buffer"), Case(3)]
    public static int FixedBuffer(int seed)
    {
        KeyMaterial k = default;
        for (var i = 0; i < 32; i++)
            k.Key[i] = (byte)(seed * i);
        for (var i = 0; i < 8; i++)
            k.NonceTail[i] = (byte)(i + 1);
        k.KeyLen = 32;
        var sum = 0;
        for (var i = 0; i < k.KeyLen; i++)
            sum += k.Key[i];
        return sum * 100 + k.NonceTail[7];
    }

    [Export("struct_pointer"), Case(4, 5)]
    public static int Pointer(int x, int y)
    {
        var p = new Point(x, y);
        Point* q = &p;
        q->X += 10;
        (*q).Y *= 2;
        return p.X * 100 + p.Y;
    }

    [Export("struct_array_on_stack"), Case(6)]
    public static int StackArray(int n)
    {
        Point* points = stackalloc Point[8];
        for (var i = 0; i < 8; i++)
            points[i] = new Point(i, i * n);
        var total = 0;
        for (var i = 0; i < 8; i++)
            total += points[i].X + points[i].Y;
        return total;
    }

    [Export("struct_default_init"), Case]
    public static int DefaultInit()
    {
        var s = new Segment();
        return s.From.X + s.To.Y + s.Flags;
    }
}
