using System;
using System.Buffers.Binary;
using System.Linq;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

public class MssClampTests
{
    private static byte[] Syn(bool v6, ushort mss, bool syn = true, bool aligned = false)
    {
        int ipLen = v6 ? 40 : 20;
        var p = new byte[ipLen + 28];
        if (v6)
        {
            p[0] = 0x60;
            p[6] = 6;
            p[8] = 0xfd;
            p[24] = 0xfd;
            p[39] = 1;
        }
        else
        {
            p[0] = 0x45;
            p[9] = 6;
            p[12] = 10;
            p[16] = 10;
            p[19] = 1;
        }
        int t = ipLen;
        p[t + 1] = 80;
        p[t + 12] = 7 << 4; // 28-byte header
        p[t + 13] = (byte)(syn ? 0x02 : 0x10);
        int o = aligned ? t + 20 : t + 21;
        p[t + 20] = 1; // NOP
        p[o] = 2;
        p[o + 1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(o + 2), mss);
        p[o + 4] = 1;
        p[t + 26] = 1;
        p[t + 27] = 0;
        ushort check = Checksum(p, t, v6);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(t + 16), check);
        return p;
    }

    /// <summary>Full TCP checksum with pseudo header (to verify the incremental update).</summary>
    private static ushort Checksum(byte[] p, int t, bool v6)
    {
        long sum = 0;
        var src = v6 ? p.AsSpan(8, 16) : p.AsSpan(12, 4);
        var dst = v6 ? p.AsSpan(24, 16) : p.AsSpan(16, 4);
        for (int i = 0; i < src.Length; i += 2)
            sum += (src[i] << 8) | src[i + 1];
        for (int i = 0; i < dst.Length; i += 2)
            sum += (dst[i] << 8) | dst[i + 1];
        int len = p.Length - t;
        sum += 6 + len;
        for (int i = t; i < p.Length; i += 2)
        {
            if (i == t + 16)
                continue;
            sum += (p[i] << 8) | (i + 1 < p.Length ? p[i + 1] : 0);
        }
        while (sum >> 16 != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

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

    [Test]
    public void DriverClampsOnTxAndRx()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.SetPeer(-1, -1, 1200), Is.EqualTo(Runtime.Uapi.NtStatus.Success));
        pair.A.Send(Syn(false, 1460));
        pair.B.Send(Syn(true, 1400));
        pair.Pump();
        var atB = pair.B.TakeDelivered().Single();
        var atA = pair.A.TakeDelivered().Single();
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(atB.AsSpan(20 + 23)), Is.EqualTo(1200), "tx clamp");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(atA.AsSpan(40 + 23)), Is.EqualTo(1200), "rx clamp");
        Assert.That(pair.A.Extra.MssClamped, Is.EqualTo(2));
    }
}
