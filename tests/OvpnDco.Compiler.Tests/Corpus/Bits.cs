using System;
using System.Numerics;
using OvpnDco.Runtime;

namespace Corpus;

/// <summary>BitOperations, Math and a replay-window style bitmap loop.</summary>
[KernelCode]
public static class Bits
{
    [Export("bits_popcount"), Case(0), Case(-1), Case(0x12345678)]
    public static int PopCount(uint v) => BitOperations.PopCount(v) + BitOperations.PopCount((ulong)v << 20);

    [Export("bits_lzcnt"), Case(0), Case(1), Case(0x80000000)]
    public static int LeadingZeros(uint v) => BitOperations.LeadingZeroCount(v) * 100 + BitOperations.LeadingZeroCount((ulong)v);

    [Export("bits_tzcnt"), Case(0), Case(8), Case(0x80000000)]
    public static int TrailingZeros(uint v) => BitOperations.TrailingZeroCount(v) * 100 + BitOperations.TrailingZeroCount((ulong)v);

    [Export("bits_log2"), Case(0), Case(1), Case(1000), Case(-1)]
    public static int Log2(uint v) => BitOperations.Log2(v) * 100 + BitOperations.Log2((ulong)v * 3);

    [Export("bits_rotate"), Case(0x12345678, 8), Case(1, 33), Case(0x80000001, -1)]
    public static long Rotate(uint v, int n) => BitOperations.RotateLeft(v, n) + (long)BitOperations.RotateRight((ulong)v, n) % 1000;

    [Export("bits_is_pow2"), Case(0), Case(64), Case(65)]
    public static bool IsPow2(uint v) => BitOperations.IsPow2(v);

    [Export("math_min_max"), Case(-5, 3), Case(7, 7)]
    public static long MinMax(int a, int b) => Math.Min(a, b) * 100 + Math.Max(a, b) + Math.Min((uint)a, (uint)b) + Math.Max((long)a, 10L) + Math.Min((byte)a, (byte)b);

    [Export("math_abs"), Case(-5), Case(7)]
    [Fails("arithmetic overflow", int.MinValue)]
    public static int Abs(int a) => Math.Abs(a) + (int)Math.Abs((long)a);

    [Export("math_clamp"), Case(-5), Case(500), Case(50)]
    public static int Clamp(int a) => Math.Clamp(a, 0, 100);

    [Export("replay_window"), Case(1, 5, 3, 5), Case(100, 2200, 2199, 100)]
    public static int ReplayWindow(int a, int b, int c, int d)
    {
        Span<ulong> bitmap = stackalloc ulong[32];
        uint highest = 0;
        var accepted = 0;
        accepted += Check(bitmap, ref highest, (uint)a);
        accepted += Check(bitmap, ref highest, (uint)b) * 10;
        accepted += Check(bitmap, ref highest, (uint)c) * 100;
        accepted += Check(bitmap, ref highest, (uint)d) * 1000;
        return accepted;
    }

    private static int Check(Span<ulong> bitmap, ref uint highest, uint id)
    {
        const uint Window = 2048;
        if (id == 0)
            return 0;
        if (id > highest)
        {
            var shift = id - highest;
            if (shift >= Window)
                bitmap.Clear();
            else
                for (var i = highest + 1; i <= id; i++)
                    bitmap[(int)(i % Window / 64)] &= ~(1UL << (int)(i % 64));
            highest = id;
        }
        else if (highest - id >= Window)
            return 0;
        var word = (int)(id % Window / 64);
        var bit = 1UL << (int)(id % 64);
        if ((bitmap[word] & bit) != 0)
            return 0;
        bitmap[word] |= bit;
        return 1;
    }
}
