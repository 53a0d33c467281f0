using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>Span/ReadOnlySpan, stackalloc, RVA tables and the memory plugs.</summary>
[KernelCode]
public static unsafe class Spans
{
    private static ReadOnlySpan<byte> Magic => new byte[] { 0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb };

    private static ReadOnlySpan<uint> Words => new uint[] { 1, 0xFFFFFFFF, 0x12345678, 42 };

    private static readonly int[] Table = { 10, -20, 30, -40, 50 };

    private static readonly ushort[] Small = { 7, 9 };

    [Export("span_stackalloc_sum"), Case(16), Case(1)]
    public static int StackallocSum(int n)
    {
        Span<byte> buffer = stackalloc byte[64];
        for (var i = 0; i < buffer.Length; i++)
            buffer[i] = (byte)(i * n);
        var sum = 0;
        foreach (var b in buffer.Slice(0, 16))
            sum += b;
        return sum;
    }

    [Export("span_index_out_of_range"), Case(15)]
    [Fails("index out of range", 16), Fails("index out of range", -1)]
    public static int IndexOutOfRange(int i)
    {
        Span<byte> buffer = stackalloc byte[16];
        buffer[i] = 1;
        return buffer[i];
    }

    [Export("span_slice_bad"), Case(4, 4)]
    [Fails("slice out of range", 10, 8), Fails("slice out of range", -1, 2)]
    public static int SliceBad(int start, int length)
    {
        Span<byte> buffer = stackalloc byte[16];
        return buffer.Slice(start, length).Length;
    }

    [Export("span_rva_bytes"), Case(0), Case(7)]
    [Fails("index out of range", 8)]
    public static int RvaBytes(int i) => Magic[i];

    [Export("span_rva_words"), Case(1), Case(2)]
    public static uint RvaWords(int i) => Words[i] + (uint)Words.Length;

    [Export("span_static_table"), Case(0), Case(4)]
    [Fails("index out of range", 5)]
    public static int StaticTable(int i) => Table[i] + Table.Length + Small[1];

    [Export("span_table_as_span"), Case]
    public static int TableAsSpan()
    {
        ReadOnlySpan<int> t = Table;
        var sum = 0;
        foreach (var v in t)
            sum += v;
        return sum;
    }

    [Export("span_copy_fill_clear"), Case(3)]
    public static int CopyFillClear(int v)
    {
        Span<int> a = stackalloc int[8];
        Span<int> b = stackalloc int[8];
        a.Fill(v);
        a.Slice(2, 3).CopyTo(b);
        b.Slice(1).Clear();
        var ok = a.Slice(0, 4).TryCopyTo(b.Slice(4));
        return b[0] * 1000 + b[1] * 100 + b[4] + (ok ? 1 : 0) + (a.Slice(0, 8).TryCopyTo(b.Slice(5)) ? 50 : 0);
    }

    [Export("span_copy_too_short"), Case(4)]
    [Fails("destination too short", 5)]
    public static int CopyTooShort(int n)
    {
        Span<byte> src = stackalloc byte[8];
        Span<byte> dst = stackalloc byte[4];
        src.Slice(0, n).CopyTo(dst);
        return dst.Length;
    }

    [Export("span_sequence_equal"), Case(1), Case(0)]
    public static bool SequenceEqual(int same)
    {
        Span<byte> a = stackalloc byte[8];
        Span<byte> b = stackalloc byte[8];
        Magic.CopyTo(a);
        Magic.CopyTo(b);
        if (same == 0)
            b[3] ^= 1;
        return a.SequenceEqual(b) && CryptographicEquals(a, b);
    }

    private static bool CryptographicEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(a, b);

    [Export("span_index_of"), Case(0x64), Case(0x99)]
    public static int IndexOf(byte value) => Magic.IndexOf(value);

    [Export("span_binary_primitives"), Case(0x01020304)]
    public static long BinaryPrimitivesRoundTrip(uint v)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        BinaryPrimitives.WriteUInt16LittleEndian(b.Slice(4), 0xABCD);
        BinaryPrimitives.WriteInt64BigEndian(b.Slice(8), -2);
        return b[0] + BinaryPrimitives.ReadUInt32LittleEndian(b) + BinaryPrimitives.ReadUInt16BigEndian(b.Slice(4)) +
               BinaryPrimitives.ReadInt64BigEndian(b.Slice(8)) + BinaryPrimitives.ReadInt32BigEndian(b);
    }

    [Export("span_binary_short"), Case(4)]
    [Fails("slice out of range", 3)]
    public static uint BinaryShort(int n)
    {
        Span<byte> b = stackalloc byte[8];
        return BinaryPrimitives.ReadUInt32BigEndian(b.Slice(0, n));
    }

    [Export("span_reverse_endianness"), Case(0x11223344)]
    public static long ReverseEndianness(uint v) =>
        BinaryPrimitives.ReverseEndianness(v) + BinaryPrimitives.ReverseEndianness((ushort)v) + (long)BinaryPrimitives.ReverseEndianness((ulong)v);

    [Export("span_memory_marshal"), Case(7)]
    public static int MemoryMarshalOps(int v)
    {
        Span<int> ints = stackalloc int[4];
        ints.Fill(v);
        var bytes = MemoryMarshal.AsBytes(ints);
        bytes[0] = 1;
        var words = MemoryMarshal.Cast<byte, ushort>(bytes);
        ref var first = ref MemoryMarshal.GetReference(ints);
        var read = MemoryMarshal.Read<uint>(bytes.Slice(4));
        MemoryMarshal.Write(bytes.Slice(8), in read);
        var made = MemoryMarshal.CreateSpan(ref first, 2);
        return bytes.Length * 1000 + words.Length * 100 + first + (int)read + made.Length + ints[2];
    }

    [Export("span_from_pointer"), Case(5)]
    public static int FromPointer(int n)
    {
        var p = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
            p[i] = (byte)i;
        var s = new Span<byte>(p + 4, n);
        var r = new ReadOnlySpan<byte>(p, 32);
        fixed (byte* q = s)
            return s[n - 1] + r[31] + q[1];
    }

    [Export("span_empty"), Case]
    public static int Empty()
    {
        var s = Span<byte>.Empty;
        ReadOnlySpan<byte> r = s;
        return (s.IsEmpty ? 1 : 0) + r.Length;
    }

    [Export("span_unsafe"), Case(3)]
    public static long UnsafeOps(int v)
    {
        Span<uint> a = stackalloc uint[4];
        a[0] = 0x01020304;
        a[1] = (uint)v;
        ref var r = ref a[0];
        ref var next = ref Unsafe.Add(ref r, 1);
        ref var asBytes = ref Unsafe.As<uint, byte>(ref r);
        var p = Unsafe.AsPointer(ref r);
        var unaligned = Unsafe.ReadUnaligned<ushort>((byte*)p + 1);
        Unsafe.WriteUnaligned<uint>((byte*)p + 9, 0xAABBCCDD);
        return next + asBytes + unaligned + Unsafe.SizeOf<Point>() + (Unsafe.IsNullRef(ref r) ? 100 : 0) + a[2];
    }

    [Export("span_cpblk_initblk"), Case(0x5A)]
    public static int Blocks(byte v)
    {
        var src = stackalloc byte[16];
        var dst = stackalloc byte[16];
        Unsafe.InitBlock(src, v, 16);
        Unsafe.CopyBlock(dst, src, 16);
        return dst[15] + dst[0];
    }
}
