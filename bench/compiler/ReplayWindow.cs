using System;
using OvpnDco.Runtime;

namespace Bench;

/// <summary>A 2048-packet replay window (bitmap of 32 × 64 bits) as the driver keeps one per key slot.</summary>
[KernelCode]
public unsafe struct ReplayState
{
    public fixed ulong Bitmap[32];
    public uint Highest;
}

[KernelCode]
public static unsafe class ReplayWindow
{
    private const uint Window = 2048;

    /// <summary>Accepts id once if it is new and not older than the window; slides the window forward.</summary>
    public static bool Accept(ReplayState* s, uint id)
    {
        if (id == 0)
            return false;
        var bitmap = new Span<ulong>(s->Bitmap, 32);
        if (id > s->Highest)
        {
            var advance = id - s->Highest;
            if (advance >= Window)
                bitmap.Clear();
            else
                for (var i = s->Highest + 1; i != id + 1; i++)
                    bitmap[(int)(i / 64 % 32)] &= ~(1UL << (int)(i % 64));
            s->Highest = id;
        }
        else if (s->Highest - id >= Window)
            return false;
        var word = (int)(id / 64 % 32);
        var bit = 1UL << (int)(id % 64);
        if ((bitmap[word] & bit) != 0)
            return false;
        bitmap[word] |= bit;
        return true;
    }

    /// <summary>n packets: mostly in order, every 7th late by 5, every 13th a replay.</summary>
    [Export("cs_replay_run")]
    public static uint Run(ReplayState* s, uint n)
    {
        uint accepted = 0;
        for (uint k = 1; k <= n; k++)
        {
            var id = k % 7 == 0 ? k - 5 : k;
            if (Accept(s, id))
                accepted++;
            if (k % 13 == 0 && Accept(s, k - 1))
                accepted++;
        }
        return accepted;
    }
}
