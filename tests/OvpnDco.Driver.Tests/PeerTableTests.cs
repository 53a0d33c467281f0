using System;
using System.Collections.Generic;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>The open-addressing table against a dictionary under random insert/replace/remove (tombstones, growth).</summary>
public unsafe class PeerTableTests
{
    /// <summary>A distinct reference per value (generation 1 + value, so none is None).</summary>
    private static PeerRef Ref(int v) => new() { Index = v, Generation = (uint)v + 1 };

    [Test]
    public void MatchesAModel([Values(1, 2, 3)] int seed)
    {
        var rng = new Random(seed);
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
                        Assert.That(PeerTableOps<ManagedPlatform>.Set(ref t, key, Ref(v), out PeerRef previous), Is.EqualTo(NtStatus.Success));
                        Assert.That(previous.Same(model.TryGetValue(id, out int old) ? Ref(old) : PeerRef.None));
                        model[id] = v;
                        break;
                    case 1:
                        Assert.That(PeerTableOps<ManagedPlatform>.Remove(ref t, key, PeerRef.None), Is.EqualTo(model.Remove(id)));
                        break;
                    default:
                        PeerRef found = PeerTableOps<ManagedPlatform>.Find(ref t, key);
                        Assert.That(found.Same(model.TryGetValue(id, out int cur) ? Ref(cur) : PeerRef.None), $"find {id}");
                        break;
                }
                Assert.That(t.Count, Is.EqualTo(model.Count));
                Assert.That((t.Count + t.Deleted) * 4, Is.LessThanOrEqualTo(t.Capacity * 3));
            }
        }
        finally
        {
            PeerTableOps<ManagedPlatform>.Free(ref t);
        }
    }
}
