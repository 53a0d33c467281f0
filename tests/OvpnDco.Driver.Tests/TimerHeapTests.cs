using System;
using System.Collections.Generic;
using System.Linq;

namespace OvpnDco.Driver.Tests;

/// <summary>The keepalive heap against a model under random set/re-key/remove.</summary>
public unsafe class TimerHeapTests
{
    [Test]
    public void MatchesAModel([Values(1, 2, 3, 4)] int seed)
    {
        var rng = new Random(seed);
        const int N = 300;
        using var peers = new FakePeers(N);
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
                    Assert.That(TimerHeapOps<ManagedPlatform>.Set(ref heap, ref peers.Store, peers.Ref(i), d), Is.EqualTo(Runtime.Uapi.NtStatus.Success));
                    model[i] = d;
                }
                else if (op < 8)
                {
                    TimerHeapOps<ManagedPlatform>.Remove(ref heap, ref peers.Store, peers.Ref(i));
                    model.Remove(i);
                }
                else if (heap.Count > 0)
                {
                    PeerRef top = TimerHeapOps<ManagedPlatform>.Top(ref heap);
                    int index = peers.IndexOf(top);
                    Assert.That(model[index], Is.EqualTo(model.Values.Min()));
                    TimerHeapOps<ManagedPlatform>.Set(ref heap, ref peers.Store, top, 0);
                    model.Remove(index);
                }
                Assert.That(heap.Count, Is.EqualTo(model.Count));
                Assert.That(TimerHeapOps<ManagedPlatform>.Min(ref heap), Is.EqualTo(model.Count == 0 ? 0 : model.Values.Min()));
                for (int k = 0; k < heap.Count; k++)
                {
                    Assert.That(peers.Store.Slots[heap.Items[k].Peer.Index].HeapPosition, Is.EqualTo(k + 1));
                    Assert.That(heap.Items[k].Deadline, Is.EqualTo(model[peers.IndexOf(heap.Items[k].Peer)]));
                    if (k > 0)
                        Assert.That(heap.Items[(k - 1) / 2].Deadline, Is.LessThanOrEqualTo(heap.Items[k].Deadline));
                }
            }
        }
        finally
        {
            TimerHeapOps<ManagedPlatform>.Free(ref heap);
        }
    }
}
