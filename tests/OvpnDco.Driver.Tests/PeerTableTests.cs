using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>The open-addressing table against a dictionary under random insert/replace/remove (tombstones, growth).</summary>
public unsafe class PeerTableTests
{
    [Test]
    public void MatchesAModel([Values(1, 2, 3)] int seed)
    {
        var rng = new Random(seed);
        var fake = (Peer*)NativeMemory.AllocZeroed((nuint)(64 * sizeof(Peer)));
        var t = default(PeerTable);
        Assert.That(PeerTableOps<ManagedPlatform>.Init(ref t, 8), Is.EqualTo(NtStatus.Success));
        var model = new Dictionary<int, int>();
        try
        {
            for (int step = 0; step < 50_000; step++)
            {
                int id = rng.Next(0, 2000);
                var key = TableKey.ForPeerId(id);
                switch (rng.Next(3))
                {
                    case 0:
                        int v = rng.Next(64);
                        Assert.That(PeerTableOps<ManagedPlatform>.Set(ref t, key, fake + v, out Peer* previous), Is.EqualTo(NtStatus.Success));
                        Assert.That(previous == (model.TryGetValue(id, out int old) ? fake + old : null));
                        model[id] = v;
                        break;
                    case 1:
                        Assert.That(PeerTableOps<ManagedPlatform>.Remove(ref t, key, null), Is.EqualTo(model.Remove(id)));
                        break;
                    default:
                        Peer* found = PeerTableOps<ManagedPlatform>.Find(ref t, key);
                        Assert.That(found == (model.TryGetValue(id, out int cur) ? fake + cur : null), $"find {id}");
                        break;
                }
                Assert.That(t.Count, Is.EqualTo(model.Count));
                Assert.That((t.Count + t.Deleted) * 4, Is.LessThanOrEqualTo(t.Capacity * 3));
            }
        }
        finally
        {
            PeerTableOps<ManagedPlatform>.Free(ref t);
            NativeMemory.Free(fake);
        }
    }
}
