using System;
using System.Collections.Generic;
using OvpnDco.Driver.Kernel;
using OvpnDco.Wdk;

namespace OvpnDco.Kernel.Tests.Simulation;

/// <summary>IP packets through a simulated device's adapter rings: what the tx path sends for them, what the rx ring gives the OS.</summary>
public static unsafe class SimTraffic
{
    /// <summary>
    /// The bytes the device's tx path hands the WSK provider for <paramref name="ip"/> (one WskSendTo or WskSend): its
    /// data packet (with the TCP length prefix on a connection socket). <paramref name="rx"/>'s rings are the adapter's
    /// again afterwards.
    /// </summary>
    public static byte[] Transmit(SimDevice device, SimRingSet rx, byte[] ip)
    {
        var tx = new SimRingSet(4);
        SimWdk.S.TxRings = tx.Rings;
        var p = tx.PacketElements;
        p->FragmentIndex = 0;
        p->FragmentCount = 1;
        tx.FragmentElements[0].ValidLength = (ulong)ip.Length;
        ip.CopyTo(new Span<byte>(tx.VirtualAddresses[0].VirtualAddress, ip.Length));
        tx.Packets->EndIndex = 1;
        tx.Fragments->EndIndex = 1;
        var sent = SimWdk.S.Wsk.Sent;
        int before = sent.Count;
        TxRing<SimWdk, SimKm>.Advance(device.Ctx, new NETPACKETQUEUE { Value = 0x920 });
        tx.Dispose();
        SimWdk.S.VirtualAddresses = rx.VirtualAddresses;
        SimWdk.S.Checksums = rx.Checksums;
        Assert.That(sent, Has.Count.EqualTo(before + 1), "one send for one packet");
        return sent[^1].Data;
    }

    /// <summary>The rx ring, given room, carries exactly <paramref name="packets"/> in order; nothing was dropped.</summary>
    public static void AssertAdapterGot(SimDevice device, SimRingSet rx, List<byte[]> packets)
    {
        SimWdk.S.RxRings = rx.Rings;
        SimWdk.S.VirtualAddresses = rx.VirtualAddresses;
        SimWdk.S.Checksums = rx.Checksums;
        rx.Start(0, 0);
        rx.PostEmpty(packets.Count);
        RxRing<SimWdk, SimKm>.Advance(device.Ctx, device.Ctx->RxQueue);
        Assert.That(rx.Packets->BeginIndex, Is.EqualTo((uint)packets.Count), "all delivered");
        for (int i = 0; i < packets.Count; i++)
            Assert.That(rx.PacketBytes((uint)i), Is.EqualTo(packets[i]), $"packet {i}");
        Assert.That(device.Ctx->Wsk.RxDropped, Is.Zero);
    }
}
