using System;
using System.Buffers.Binary;
using System.Linq;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>MssClamp.Apply on single packets (managed only); through the device in both suites: DeviceMssOracleTests.</summary>
public class MssClampTests
{
    private static byte[] Syn(bool v6, ushort mss, bool syn = true, bool aligned = false) => TcpSynPackets.Syn(v6, mss, syn, aligned);

    private static ushort Checksum(byte[] p, int t, bool v6) => TcpSynPackets.Checksum(p, t, v6);

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void ClampsSynAndKeepsChecksumValid(bool v6, bool aligned)
    {
        var p = Syn(v6, 1460, aligned: aligned);
        Assert.That(MssClamp.Apply(p, 1300), Is.True);
        int t = v6 ? 40 : 20;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(aligned ? t + 22 : t + 23)), Is.EqualTo(1300));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(t + 16)), Is.EqualTo(Checksum(p, t, v6)));
    }

    [Test]
    public void LeavesSmallerMssNonSynAndNonTcpAlone()
    {
        var small = Syn(false, 1200);
        Assert.That(MssClamp.Apply(small, 1300), Is.False);
        var ack = Syn(false, 1460, syn: false);
        Assert.That(MssClamp.Apply(ack, 1300), Is.False);
        var udp = TestNode.Ipv4Packet("1.1.1.1", "2.2.2.2", 40);
        var copy = (byte[])udp.Clone();
        Assert.That(MssClamp.Apply(udp, 1300), Is.False);
        Assert.That(udp, Is.EqualTo(copy));
        Assert.That(MssClamp.Apply(Syn(false, 1460).Take(30).ToArray(), 1300), Is.False, "truncated");
    }
}
