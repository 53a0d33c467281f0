using System;
using System.Collections.Generic;
using OvpnDco.Driver;
using OvpnDco.Driver.Binding;
using OvpnDco.Driver.Kernel;
using OvpnDco.Kernel.Tests.Simulation;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests;

/// <summary>
/// The adapter's receive side (RxRing) and link state on the simulated WDK: the driver decrypts into the platform's
/// buffers, the rx queue's advance copies them into the fragments the OS posted (wrapping rings), a packet larger than
/// its fragment is dropped, the buffer pool runs dry without allocating, notifications follow the OS's wish, and the
/// link goes up at START_VPN and down at close.
/// </summary>
public unsafe class RxRingTests
{
    private SimDevice _device = null!;
    private SimRingSet _rx = null!;

    [SetUp]
    public void SetUp()
    {
        _device = new SimDevice();
        Assert.That(_device.Open(), Is.EqualTo(NtStatus.Success));
        _device.AddUdpPeer();
        _device.AddNoneKey();
        _rx = new SimRingSet(8);
        SimWdk.S.RxRings = _rx.Rings;
    }

    [TearDown]
    public void TearDown()
    {
        _device.Dispose();
        _rx.Dispose();
    }

    private void Advance() => RxRing<SimWdk, SimKm>.Advance(_device.Ctx, _device.Ctx->RxQueue);

    /// <summary>Our own NONE data packet for <paramref name="ip"/>, as the peer would send it (the driver's tx path makes it).</summary>
    private byte[] DataPacketFor(byte[] ip) => SimTraffic.Transmit(_device, _rx, ip);

    private void Receive(byte[] wire)
    {
        var from = Wire.Remote;
        Driver<BoundPlatform<WindowsPlatform<SimWdk, SimKm>>>.OnTransportReceive(_device.Ctx->State, wire, in from);
    }

    [Test]
    public void ReceivedPacketsReachThePostedFragmentsInOrderAcrossTheWrap()
    {
        var packets = new List<byte[]> { Wire.Ipv4(60, 1), Wire.Ipv4(700, 2), Wire.Ipv4(1300, 3) };
        var wires = packets.ConvertAll(DataPacketFor);
        RxRing<SimWdk, SimKm>.SetNotification(_device.Ctx, true);
        foreach (var w in wires)
            Receive(w);
        Assert.That(SimWdk.S.RxNotifications, Is.EqualTo(1), "one notification until the OS enables it again");
        _rx.Start(6, 7);
        _rx.PostEmpty(3);
        Advance();
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo(1u), "three packets returned, the ring wrapped");
        Assert.That(_rx.Fragments->BeginIndex, Is.EqualTo(2u));
        Assert.That(_rx.PacketBytes(6), Is.EqualTo(packets[0]));
        Assert.That(_rx.PacketBytes(7), Is.EqualTo(packets[1]));
        Assert.That(_rx.PacketBytes(0), Is.EqualTo(packets[2]));
        Assert.That(_rx.PacketElements[7].FragmentIndex, Is.EqualTo(0u), "packet 7 took fragment 0");
    }

    private static byte[] Ipv4(byte protocol, bool fragment = false)
    {
        var p = Wire.Ipv4(80, 9);
        p[9] = protocol;
        if (fragment)
            p[6] = 0x20; // more fragments
        return p;
    }

    private static byte[] Ipv6(byte nextHeader)
    {
        var p = new byte[40 + 64];
        p[0] = 0x60;
        p[5] = 64; // payload length
        p[6] = nextHeader;
        p[7] = 64;
        p[8] = 0xfd;
        p[23] = 2;
        p[24] = 0xfd;
        p[39] = 1;
        return p;
    }

    private const byte Tcp = 6, Udp = 17;

    /// <summary>Five kinds of packet through the ring; returns each one's (layer-4 type, layer-3 and layer-4 checksum evaluation).</summary>
    private List<(byte L4Type, byte L3, byte L4)> DescribeFive()
    {
        var packets = new List<byte[]> { Ipv4(Udp), Ipv4(Tcp), Ipv4(Tcp, fragment: true), Ipv6(Tcp), Ipv6(0) /* hop-by-hop: an extension */ };
        var wires = packets.ConvertAll(DataPacketFor);
        foreach (var w in wires)
            Receive(w);
        _rx.Start(0, 0);
        _rx.PostEmpty(packets.Count);
        for (int i = 0; i < packets.Count; i++)
            _rx.Checksums[i] = new NET_PACKET_CHECKSUM { Layer2 = 3, Layer3 = 3, Layer4 = 3 }; // what the slot held before
        Advance();
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo((uint)packets.Count));
        var got = new List<(byte, byte, byte)>();
        for (int i = 0; i < packets.Count; i++)
        {
            Assert.That(_rx.PacketBytes((uint)i), Is.EqualTo(packets[i]));
            got.Add((_rx.PacketElements[i].Layout.Layer4Type, _rx.Checksums[i].Layer3, _rx.Checksums[i].Layer4));
        }
        return got;
    }

    private const byte Unspecified = 0, L4Tcp = 1, L4Udp = 2, L4Fragment = 3, NotChecked = 0, Valid = 1, Untouched = 3;

    [Test]
    public void WithoutTheChecksumExtensionOnlyTheLayer4TypeIsSet()
    {
        _device.Ctx->RxChecksum.Enabled = 0;
        _device.Ctx->RxChecksumEnabled = RxChecksumOffload.IPv4 | RxChecksumOffload.Tcp | RxChecksumOffload.Udp;
        Assert.That(DescribeFive(), Is.EqualTo(new List<(byte, byte, byte)>
        {
            (L4Udp, Untouched, Untouched), (L4Tcp, Untouched, Untouched), (L4Fragment, Untouched, Untouched),
            (L4Tcp, Untouched, Untouched), (Unspecified, Untouched, Untouched),
        }));
    }

    [Test]
    public void EveryChecksumTheOsEnabledIsReportedValid()
    {
        _device.Ctx->RxChecksum.Enabled = 1;
        _device.Ctx->RxChecksumEnabled = RxChecksumOffload.IPv4 | RxChecksumOffload.Tcp | RxChecksumOffload.Udp;
        Assert.That(DescribeFive(), Is.EqualTo(new List<(byte, byte, byte)>
        {
            (L4Udp, Valid, Valid), (L4Tcp, Valid, Valid),
            (L4Fragment, Valid, NotChecked), // a fragment's layer-4 checksum covers the reassembled datagram
            (L4Tcp, NotChecked, Valid),      // IPv6 has no header checksum
            (Unspecified, NotChecked, NotChecked),
        }));
    }

    [Test]
    public void OnlyTheChecksumsTheOsEnabledAreReported()
    {
        _device.Ctx->RxChecksum.Enabled = 1;
        _device.Ctx->RxChecksumEnabled = RxChecksumOffload.Tcp;
        Assert.That(DescribeFive(), Is.EqualTo(new List<(byte, byte, byte)>
        {
            (L4Udp, NotChecked, NotChecked), (L4Tcp, NotChecked, Valid), (L4Fragment, NotChecked, NotChecked),
            (L4Tcp, NotChecked, Valid), (Unspecified, NotChecked, NotChecked),
        }));
    }

    [Test]
    public void PacketsWaitForPostedFragments()
    {
        var ip = Wire.Ipv4(100, 4);
        Receive(DataPacketFor(ip));
        Receive(DataPacketFor(Wire.Ipv4(100, 5)));
        _rx.Start(0, 0);
        _rx.PostEmpty(1);
        Advance();
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo(1u));
        Assert.That(_rx.PacketBytes(0), Is.EqualTo(ip));
        Assert.That(_device.Ctx->RxHead != null, "the second packet waits");
        _rx.PostEmpty(1);
        Advance();
        Assert.That(_rx.PacketBytes(1), Is.EqualTo(Wire.Ipv4(100, 5)));
        Assert.That(_device.Ctx->RxHead == null);
    }

    [Test]
    public void APacketLargerThanItsFragmentIsDroppedAndItsBufferReturned()
    {
        Receive(DataPacketFor(Wire.Ipv4(500, 6)));
        Receive(DataPacketFor(Wire.Ipv4(50, 7)));
        _rx.Start(0, 0);
        _rx.PostEmpty(2, capacity: 200);
        Advance();
        Assert.That(_device.Ctx->RxDropped, Is.EqualTo(1));
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo(1u), "only the small packet used a slot");
        Assert.That(_rx.PacketBytes(0), Is.EqualTo(Wire.Ipv4(50, 7)));
        Assert.That(FreeBuffers(), Is.EqualTo(RxRing<SimWdk, SimKm>.BufferCount), "every buffer back in the pool");
    }

    [Test]
    public void TheBufferPoolRunsDryWithoutAllocating()
    {
        int allocations = SimWdk.S.Allocations;
        var taken = new List<nint>();
        for (int i = 0; i < RxRing<SimWdk, SimKm>.BufferCount; i++)
            taken.Add((nint)WindowsPlatform<SimWdk, SimKm>.AdapterBuffer((nint)_device.Ctx, 1500));
        Assert.That(taken, Has.None.EqualTo((nint)0));
        Assert.That((nint)WindowsPlatform<SimWdk, SimKm>.AdapterBuffer((nint)_device.Ctx, 1500), Is.EqualTo((nint)0), "empty pool: null");
        Assert.That((nint)WindowsPlatform<SimWdk, SimKm>.AdapterBuffer((nint)_device.Ctx, Proto.MaxWire + 1), Is.EqualTo((nint)0), "too large: null");
        foreach (var b in taken)
            WindowsPlatform<SimWdk, SimKm>.AdapterBufferRelease((nint)_device.Ctx, (byte*)b);
        Assert.That(FreeBuffers(), Is.EqualTo(RxRing<SimWdk, SimKm>.BufferCount));
        Assert.That(SimWdk.S.Allocations, Is.EqualTo(allocations), "no pool allocation per packet");
    }

    [Test]
    public void CancelReturnsPostedPacketsIgnored()
    {
        _rx.Start(2, 2);
        _rx.PostEmpty(3);
        RxRing<SimWdk, SimKm>.Cancel(_device.Ctx->RxQueue);
        Assert.That(_rx.Packets->BeginIndex, Is.EqualTo(_rx.Packets->EndIndex));
        Assert.That(_rx.PacketElements[3].Ignore, Is.EqualTo((byte)1));
    }

    [Test]
    public void LinkGoesUpAtStartVpnAndDownAtClose()
    {
        var start = _device.Ioctl(OvpnIoctl.StartVpn, ReadOnlySpan<byte>.Empty, 0);
        Assert.That(SimWdk.S[start].Status, Is.EqualTo((int)NtStatus.Success));
        Assert.That(SimWdk.S.LinkStates, Is.EqualTo(new[] { NET_IF_MEDIA_CONNECT_STATE.MediaConnectStateConnected }));
        _device.Cleanup();
        Assert.That(SimWdk.S.LinkStates[^1], Is.EqualTo(NET_IF_MEDIA_CONNECT_STATE.MediaConnectStateDisconnected));
    }

    private int FreeBuffers()
    {
        int n = 0;
        for (var b = _device.Ctx->RxFree; b != null; b = b->Next)
            n++;
        return n;
    }
}
