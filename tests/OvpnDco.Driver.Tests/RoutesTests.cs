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
        var fake = (Peer*)NativeMemory.AllocZeroed((nuint)(16 * sizeof(Peer)));
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
                        Assert.That(Routes<ManagedPlatform>.Add(ref *r, family, a, bits, fake + peer, out _), Is.EqualTo(NtStatus.Success));
                    prefixes.RemoveAll(x => x.Bits == bits && Matches(x.P, p, bits));
                    prefixes.Add((p, bits, peer));
                }
                else
                {
                    int k = rng.Next(prefixes.Count);
                    var (p, bits, peer) = prefixes[k];
                    fixed (byte* a = p)
                        Assert.That(Routes<ManagedPlatform>.Remove(ref *r, family, a, bits, fake + peer), Is.True);
                    prefixes.RemoveAt(k);
                }
                var dst = Random();
                var best = prefixes.Where(x => Matches(dst, x.P, x.Bits)).OrderByDescending(x => x.Bits).FirstOrDefault();
                fixed (byte* d = dst)
                {
                    Peer* got = Routes<ManagedPlatform>.Lookup(ref *r, family, d);
                    Assert.That(got == (best.P == null ? null : fake + best.Peer), $"step {step}");
                }
            }
        }
        finally
        {
            PeerTableOps<ManagedPlatform>.Free(ref r->Table);
            NativeMemory.Free(r);
            NativeMemory.Free(fake);
        }
    }

    [Test]
    public void MpPacketIdExhaustionNotifiesUserSpace()
    {
        using var bed = new MpBed(3);
        Peer* p = PeerTableOps<ManagedPlatform>.Find(ref bed.Server.State->ById, TableKey.ForPeerId(2));
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
