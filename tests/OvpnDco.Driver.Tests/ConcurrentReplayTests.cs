using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Model-based checks of the replay window under concurrent receivers (the data path opens and checks packets on
/// several CPUs at once, <see cref="CryptoAead{TPlatform}.OpenAndCheck"/>): the ids accepted are exactly those a
/// sequential window accepts.
/// </summary>
public unsafe class ConcurrentReplayTests
{
    private const int Threads = 4;

    private static KeySlot* NoneSlot()
    {
        var slot = (KeySlot*)NativeMemory.AllocZeroed((nuint)sizeof(KeySlot));
        var data = TestNode.Key(OvpnCipherAlg.None, 0, new byte[32], new byte[32], new byte[8], new byte[8], OvpnKeySlot.Primary, 0, 0);
        Assert.That(CryptoAead<ManagedPlatform>.Install(ref *slot, data, KeyFormat.Classic), Is.EqualTo(NtStatus.Success));
        return slot;
    }

    private static byte[] Packet(uint id)
    {
        var p = new byte[8 + 20];
        p[0] = (byte)((int)Opcode.DataV2 << 3);
        p[4] = (byte)(id >> 24);
        p[5] = (byte)(id >> 16);
        p[6] = (byte)(id >> 8);
        p[7] = (byte)id;
        return p;
    }

    /// <summary>
    /// Every id of a window's span, each twice, in a random order over four threads: whatever the interleaving, a
    /// sequential window accepts each id exactly once (all lie inside the window and above the floor).
    /// </summary>
    [Test]
    public void EachIdInsideTheWindowIsAcceptedExactlyOnce([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 20; round++)
        {
            KeySlot* slot = NoneSlot();
            int n = ReplayWindow.Size - 1;
            var feed = Enumerable.Range(1, n).SelectMany(i => new[] { (uint)i, (uint)i }).OrderBy(_ => random.Next()).ToArray();
            var accepted = new int[n + 1];
            int duplicates = 0;
            int next = -1;
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
            {
                var plain = new byte[64];
                int i;
                while ((i = Interlocked.Increment(ref next)) < feed.Length)
                {
                    int r = CryptoAead<ManagedPlatform>.OpenAndCheck(ref *slot, Packet(feed[i]), plain, 1000, out var replay);
                    Assert.That(r, Is.EqualTo(20));
                    if (replay == ReplayResult.Accepted)
                        Interlocked.Increment(ref accepted[feed[i]]);
                    else if (replay == ReplayResult.Duplicate)
                        Interlocked.Increment(ref duplicates);
                    else
                        Assert.Fail($"id {feed[i]} refused as {replay}");
                }
            });
            Assert.That(accepted.Skip(1), Is.All.EqualTo(1), "each id accepted exactly once");
            Assert.That(duplicates, Is.EqualTo(n));
            CryptoAead<ManagedPlatform>.Destroy(ref *slot);
            NativeMemory.Free(slot);
        }
    }

    /// <summary>
    /// Ids far beyond one window, jittered and repeated, over four threads. Each thread records, in the order the
    /// window took them (the slot lock linearises updates: the log is written while it is held), what it got; a
    /// sequential window fed that order must give the same answers, and the accepted set must have no repeat.
    /// </summary>
    [Test]
    public void ConcurrentUpdatesMatchASequentialWindowFedTheSameOrder([Values(11, 12)] int seed)
    {
        var random = new Random(seed);
        var slot = (KeySlot*)NativeMemory.AllocZeroed((nuint)sizeof(KeySlot));
        var ids = new uint[60_000];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = (uint)Math.Max(1, i / 3 + random.Next(-3000, 3000)); // reordering up to ~1.5 windows, repeats
        var log = new List<(ulong Id, ReplayResult Result)>(ids.Length);
        int next = -1;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Length)
            {
                SlotLock.Enter(ref slot->Lock);
                var r = slot->Replay.Update(ids[i], 1000);
                log.Add((ids[i], r));
                SlotLock.Exit(ref slot->Lock);
            }
        });
        Assert.That(log, Has.Count.EqualTo(ids.Length));
        var model = default(ReplayWindow);
        var acceptedIds = new HashSet<ulong>();
        foreach (var (id, result) in log)
        {
            Assert.That(result, Is.EqualTo(model.Update(id, 1000)), $"id {id}");
            if (result == ReplayResult.Accepted)
                Assert.That(acceptedIds.Add(id), Is.True, $"id {id} accepted twice");
        }
        Assert.That(acceptedIds.Count, Is.GreaterThan(10_000), "a good part of the distinct ids got through (the jitter exceeds the window on purpose)");
        NativeMemory.Free(slot);
    }
}
