using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>Every entry point from several threads at once (real spinning lock): no crash, every packet accounted for.</summary>
public unsafe class ConcurrencyTests
{
    [Test]
    public void RxTxTimerAndIoctlsConcurrently()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        pair.A.Platform.Capture = false;
        // pre-generate B->A traffic (B keeps capturing)
        for (int i = 0; i < 3000; i++)
            pair.B.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.2", i % 1400));
        var inbound = pair.B.TakeSent().Select(p => p.Data).ToArray();
        var a = pair.A.State;
        ManagedPlatform.AllowContention = true;
        try
        {
            var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var rx = Task.Run(() =>
            {
                foreach (var d in inbound)
                    DriverUnderTest.OnTransportReceive(a, d, pair.AddrB);
            });
            var tx = Task.Run(() =>
            {
                var packet = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 1000);
                for (int i = 0; i < 3000; i++)
                    DriverUnderTest.OnAdapterTransmit(a, packet);
            });
            var timer = Task.Run(() =>
            {
                for (int i = 0; i < 3000; i++)
                    DriverUnderTest.OnTimer(a);
            });
            var control = Task.Run(() =>
            {
                var stats = new byte[64];
                var setPeer = new OvpnSetPeer { KeepaliveInterval = 1, KeepaliveTimeout = 0, MSS = 1300 };
                var setPeerBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<OvpnSetPeer>(in setPeer)).ToArray();
                var read = new byte[2048];
                for (int i = 0; i < 3000; i++)
                {
                    int n = 0;
                    DriverUnderTest.DeviceIoControl(a, OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, stats, ref n, false);
                    DriverUnderTest.DeviceIoControl(a, OvpnIoctl.SetPeer, setPeerBytes, Span<byte>.Empty, ref n, false);
                    DriverUnderTest.WriteControl(a, new byte[] { 0x38, (byte)i });
                    DriverUnderTest.OnTransportReceive(a, new byte[] { 0x20, (byte)i }, pair.AddrB);
                    DriverUnderTest.ReadControl(a, i + 1, read, out _);
                }
            });
            Assert.That(Task.WaitAll(new[] { rx, tx, timer, control }, TimeSpan.FromSeconds(60)), Is.True, "finished");
        }
        finally
        {
            ManagedPlatform.AllowContention = false;
        }
        var st = pair.A.Stats;
        Assert.That(st.ReceivedDataPackets + st.LostInDataPackets, Is.EqualTo(3000), "every inbound data packet accounted for");
        Assert.That(st.LostInDataPackets, Is.Zero);
        Assert.That(pair.A.Platform.DeliveredCount, Is.EqualTo(3000));
        Assert.That(st.SentDataPackets, Is.EqualTo(3000 + pair.A.Extra.PingsSent));
        Assert.That(st.SentControlPackets, Is.EqualTo(3000));
        Assert.That(st.ReceivedControlPackets + st.LostInControlPackets, Is.EqualTo(3000));
    }
}
