using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace OvpnDco.Driver.Tests;

/// <summary>The keepalive heap against a model under random set/re-key/remove.</summary>
public unsafe class TimerHeapTests
{
    [Test]
    public void MatchesAModel([Values(1, 2, 3, 4)] int seed)
    {
        var rng = new Random(seed);
        const int N = 300;
        var peers = (Peer*)NativeMemory.AllocZeroed((nuint)(N * sizeof(Peer)));
        var heap = default(TimerHeap);
        var model = new Dictionary<int, long>();
        try
        {
            for (int step = 0; step < 20_000; step++)
            {
                int i = rng.Next(N);
                int op = rng.Next(10);
                if (op < 6)
                {
                    long d = rng.Next(1, 1000);
                    Assert.That(TimerHeapOps<ManagedPlatform>.Set(ref heap, peers + i, d), Is.EqualTo(Runtime.Uapi.NtStatus.Success));
                    model[i] = d;
                }
                else if (op < 8)
                {
                    TimerHeapOps<ManagedPlatform>.Remove(ref heap, peers + i);
                    model.Remove(i);
                }
                else if (heap.Count > 0)
                {
                    Peer* top = TimerHeapOps<ManagedPlatform>.Top(ref heap);
                    int index = (int)(top - peers);
                    Assert.That(model[index], Is.EqualTo(model.Values.Min()));
                    TimerHeapOps<ManagedPlatform>.Set(ref heap, top, 0);
                    model.Remove(index);
                }
                Assert.That(heap.Count, Is.EqualTo(model.Count));
                Assert.That(TimerHeapOps<ManagedPlatform>.Min(ref heap), Is.EqualTo(model.Count == 0 ? 0 : model.Values.Min()));
                for (int k = 0; k < heap.Count; k++)
                {
                    Assert.That(heap.Items[k]->HeapSlot, Is.EqualTo(k + 1));
                    if (k > 0)
                        Assert.That(heap.Items[(k - 1) / 2]->HeapDeadline, Is.LessThanOrEqualTo(heap.Items[k]->HeapDeadline));
                }
            }
        }
        finally
        {
            TimerHeapOps<ManagedPlatform>.Free(ref heap);
            NativeMemory.Free(peers);
        }
    }
}
