using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Longest-prefix match against a brute-force model (IPv4 and IPv6), and the MP rekey event.</summary>
public unsafe class RoutesTests
{
    [TestCase(WinAddressFamily.Inet, 1)]
    [TestCase(WinAddressFamily.Inet6, 2)]
    public void LongestPrefixMatchMatchesAModel(WinAddressFamily family, int seed)
    {
        var rng = new Random(seed);
        int bytes = family == WinAddressFamily.Inet ? 4 : 16;
        int maxBits = bytes * 8;
        using var fake = new FakePeers(16);
        var r = (RouteTable*)NativeMemory.AllocZeroed((nuint)sizeof(RouteTable));
        Assert.That(PeerTableOps<ManagedPlatform>.Init(ref r->Table, 16), Is.EqualTo(NtStatus.Success));
        var model = new Dictionary<(string, int), int>();
        static bool Matches(byte[] addr, byte[] prefix, int bits)
        {
            for (int i = 0; i < bits; i++)
            {
                int b = i / 8, m = 0x80 >> (i % 8);
                if ((addr[b] & m) != (prefix[b] & m))
                    return false;
            }
            return true;
        }
        byte[] Random()
        {
            var a = new byte[bytes];
            rng.NextBytes(a);
            a[0] = (byte)(a[0] & 0x0F); // keep routes and lookups in one region so they overlap
            return a;
        }
        var prefixes = new List<(byte[] P, int Bits, int Peer)>();
        try
        {
            for (int step = 0; step < 3000; step++)
            {
                if (rng.Next(4) != 0 || prefixes.Count == 0)
                {
                    var p = Random();
                    int bits = rng.Next(0, Math.Min(maxBits, 24) + 1);
                    int peer = rng.Next(16);
                    fixed (byte* a = p)
                        Assert.That(Routes<ManagedPlatform>.Add(ref *r, ref fake.Store, family, a, bits, fake.Ref(peer)), Is.EqualTo(NtStatus.Success));
                    prefixes.RemoveAll(x => x.Bits == bits && Matches(x.P, p, bits));
                    prefixes.Add((p, bits, peer));
                }
                else
                {
                    int k = rng.Next(prefixes.Count);
                    var (p, bits, peer) = prefixes[k];
                    fixed (byte* a = p)
                        Assert.That(Routes<ManagedPlatform>.Remove(ref *r, ref fake.Store, family, a, bits, fake.Ref(peer)), Is.True);
                    prefixes.RemoveAt(k);
                }
                var dst = Random();
                var best = prefixes.Where(x => Matches(dst, x.P, x.Bits)).OrderByDescending(x => x.Bits).FirstOrDefault();
                fixed (byte* d = dst)
                {
                    int got = fake.IndexOf(Routes<ManagedPlatform>.Lookup(ref *r, family, d));
                    Assert.That(got, Is.EqualTo(best.P == null ? -1 : best.Peer), $"step {step}");
                }
                // The invariant peer deletion relies on: each peer's count is the number of routes naming it.
                for (int k = 0; k < fake.Count; k++)
                    Assert.That(fake[k]->RouteCount, Is.EqualTo(prefixes.Count(x => x.Peer == k)), $"route count of peer {k}, step {step}");
            }
        }
        finally
        {
            PeerTableOps<ManagedPlatform>.Free(ref r->Table);
            NativeMemory.Free(r);
        }
    }

    [Test]
    public void MpPacketIdExhaustionNotifiesUserSpace()
    {
        using var bed = new MpBed(3);
        Peer* p = bed.Server.Resolve(PeerTableOps<ManagedPlatform>.Find(ref bed.Server.State->ById, TableKey.ForPeerId(2)));
        p->Keys.Primary.TxPacketId = 0xF0000000u - 1;
        Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 10)), Is.EqualTo(NtStatus.IntegerOverflow));
        Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 10)), Is.EqualTo(NtStatus.IntegerOverflow));
        var o = new byte[144];
        Assert.That(bed.Server.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, o, out int n), Is.EqualTo(NtStatus.Success));
        var e = MemoryMarshal.Read<OvpnNotifyEvent>(o);
        Assert.That((e.Cmd, e.PeerId), Is.EqualTo((OvpnNotifyCmd.SwapKeys, 2)));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.NotifyEvent, ReadOnlySpan<byte>.Empty, o, out n), Is.EqualTo(NtStatus.Pending), "once per key");
        Assert.That(bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", 10)), Is.EqualTo(NtStatus.Success), "other peers unaffected");
    }
}
