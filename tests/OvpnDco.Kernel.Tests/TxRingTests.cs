using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// The NetAdapterCx transmit ring walk (TxRing) with the real driver core behind it (P2P over UDP, cipher NONE so the
/// IP packet is visible on the wire): packets in one or several fragments, fragments at an offset, wrapping rings,
/// ignored packets, more packets than one batch, a send that fails in the middle; every packet and fragment is
/// returned to the OS and no buffer leaks.
/// </summary>
public unsafe class TxRingTests
{
    private SimDevice _device = null!;
    private readonly List<nint> _native = new();
    private NET_RING* _packets;
    private NET_RING* _fragments;
    private NET_PACKET* _packetElements;
    private NET_FRAGMENT* _fragmentElements;
    private uint _size;

    [SetUp]
    public void SetUp()
    {
        _device = new SimDevice();
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        _device.AddUdpPeer();
        _device.AddNoneKey();
    }

    [TearDown]
    public void TearDown()
    {
        _device.Dispose();
        foreach (var p in _native)
            NativeMemory.Free((void*)p);
        _native.Clear(); // NUnit reuses the fixture instance
    }

    private T* Alloc<T>(int count) where T : unmanaged
    {
        var p = NativeMemory.AllocZeroed((nuint)(count * sizeof(T)));
        _native.Add((nint)p);
        return (T*)p;
    }

    private void Rings(uint size)
    {
        _size = size;
        _packets = Alloc<NET_RING>(1);
        _fragments = Alloc<NET_RING>(1);
        _packetElements = Alloc<NET_PACKET>((int)size);
        _fragmentElements = Alloc<NET_FRAGMENT>((int)size);
        foreach (var (ring, stride) in new[] { ((nint)_packets, sizeof(NET_PACKET)), ((nint)_fragments, sizeof(NET_FRAGMENT)) })
        {
            ((NET_RING*)ring)->NumberOfElements = size;
            ((NET_RING*)ring)->ElementIndexMask = size - 1;
            ((NET_RING*)ring)->ElementStride = (ushort)stride;
        }
        SimWdk.S.RingElements[(nint)_packets] = (nint)_packetElements;
        SimWdk.S.RingElements[(nint)_fragments] = (nint)_fragmentElements;
        var rings = Alloc<SimRings>(1);
        rings->Packets = _packets;
        rings->Fragments = _fragments;
        SimWdk.S.TxRings = rings;
        SimWdk.S.VirtualAddresses = Alloc<NET_FRAGMENT_VIRTUAL_ADDRESS>((int)size);
        for (int i = 0; i < size; i++)
            SimWdk.S.VirtualAddresses[i].VirtualAddress = Alloc<byte>(2048);
    }

    /// <summary>Posts a packet at the packet ring's EndIndex, its bytes split over fragments from the fragment ring's EndIndex.</summary>
    private void Post(byte[] packet, int[] split, bool ignore = false, int offset = 0)
    {
        var p = _packetElements + _packets->EndIndex;
        p->FragmentIndex = _fragments->EndIndex;
        p->FragmentCount = (ushort)split.Length;
        p->Ignore = ignore ? (byte)1 : (byte)0;
        int at = 0;
        foreach (var n in split)
        {
            var fi = _fragments->EndIndex;
            var f = _fragmentElements + fi;
            f->Offset = (ulong)offset;
            f->ValidLength = (ulong)n;
            packet.AsSpan(at, n).CopyTo(new Span<byte>((byte*)SimWdk.S.VirtualAddresses[fi].VirtualAddress + offset, n));
            at += n;
            _fragments->EndIndex = (fi + 1) & (_size - 1);
        }
        Assert.That(at, Is.EqualTo(packet.Length));
        _packets->EndIndex = (_packets->EndIndex + 1) & (_size - 1);
    }

    private void Advance() => TxRing<SimWdk, SimKm>.Advance(_device.Ctx, new NETPACKETQUEUE { Value = 0x920 });

    private static void AssertSent(params byte[][] packets)
    {
        Assert.That(SimWdk.S.Wsk.Sent, Has.Count.EqualTo(packets.Length), "datagrams sent");
        for (int i = 0; i < packets.Length; i++)
            Assert.That(SimWdk.S.Wsk.Sent[i].Data.AsSpan().EndsWith(packets[i]), Is.True, $"datagram {i} carries IP packet {i} (cipher NONE)");
    }

    [Test]
    public void PacketsInSeveralFragmentsAcrossTheRingsWrap()
    {
        Rings(8);
        _packets->BeginIndex = _packets->EndIndex = 6;
        _fragments->BeginIndex = _fragments->EndIndex = 5;
        var a = Wire.Ipv4(100, 1);
        var b = Wire.Ipv4(300, 2);
        var ignored = Wire.Ipv4(50, 9);
        var c = Wire.Ipv4(200, 3);
        Post(a, new[] { a.Length });                      // fragment 5
        Post(b, new[] { 20, 180, b.Length - 200 }, offset: 10); // fragments 6, 7, 0: the fragment ring wraps
        Post(ignored, new[] { ignored.Length }, ignore: true);  // fragment 1
        Post(c, new[] { 7, c.Length - 7 });               // fragments 2, 3
        Assert.That(_packets->EndIndex, Is.EqualTo(2u), "the packet ring wrapped too");
        Advance();
        AssertSent(a, b, c);
        Assert.That(_packets->BeginIndex, Is.EqualTo(_packets->EndIndex), "every packet returned to the OS");
        Assert.That(_fragments->BeginIndex, Is.EqualTo(4u), "every fragment returned");
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero, "no transport buffer left");
    }

    [Test]
    public void MoreThanOneBatch()
    {
        Rings(256);
        var sent = new List<byte[]>();
        for (int i = 0; i < TxRing<SimWdk, SimKm>.BatchSize * 2 + 7; i++)
        {
            var p = Wire.Ipv4(40 + i, (byte)i);
            sent.Add(p);
            Post(p, new[] { p.Length });
        }
        Advance();
        AssertSent(sent.ToArray());
        Assert.That(_packets->BeginIndex, Is.EqualTo(_packets->EndIndex));
    }

    [Test]
    public void ASendThatFailsInTheMiddleDropsOnlyThatPacket()
    {
        Rings(8);
        var a = Wire.Ipv4(60, 1);
        var b = Wire.Ipv4(70, 2);
        var c = Wire.Ipv4(80, 3);
        Post(a, new[] { a.Length });
        Post(b, new[] { 30, b.Length - 30 });
        Post(c, new[] { c.Length });
        SimWdk.S.Wsk.FailSendAt = 2;
        Advance();
        Assert.That(SimWdk.S.Wsk.SendAttempts, Is.EqualTo(3));
        AssertSent(a, c);
        Assert.That(_packets->BeginIndex, Is.EqualTo(_packets->EndIndex), "the failed packet is returned too");
        Assert.That(_fragments->BeginIndex, Is.EqualTo(_fragments->EndIndex));
        Assert.That(TransportBuffers<SimWdk>.Outstanding(_device.Ctx), Is.Zero, "the failed send's buffer is not leaked");
    }

    [Test]
    public void AnEmptyRingSendsNothing()
    {
        Rings(8);
        _packets->BeginIndex = _packets->EndIndex = 3;
        Advance();
        Assert.That(SimWdk.S.Wsk.SendAttempts, Is.Zero);
        Assert.That(_packets->BeginIndex, Is.EqualTo(3u));
    }
}
