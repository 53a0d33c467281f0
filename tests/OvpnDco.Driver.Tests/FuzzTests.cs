using System;
using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// Random and mutated input on every entry point: no exception (a managed bounds failure would throw), nothing
/// delivered that was not sent, and every received data packet is either delivered or counted.
/// </summary>
public unsafe class FuzzTests
{
    [Test]
    public void MutatedPacketsAreDroppedAndCounted([Values(1, 2, 3)] int seed)
    {
        var rng = new Random(seed);
        using var bed = new MpBed(3, seed == 3 ? OvpnCipherAlg.ChaCha20Poly1305 : OvpnCipherAlg.AesGcm, seed == 1 ? 16 : 32);
        var originals = new System.Collections.Generic.List<(byte[] Data, int Client)>();
        for (int i = 0; i < 200; i++)
        {
            int c = i % 3;
            bed.Clients[c].Send(TestNode.Ipv4Packet($"10.8.0.{c + 2}", "10.8.0.1", rng.Next(0, 1400)));
            originals.AddRange(bed.Clients[c].TakeSent().Select(p => (p.Data, c)));
        }
        int dataReceived = 0;
        foreach (var (data, c) in originals)
        {
            var m = (byte[])data.Clone();
            switch (rng.Next(4))
            {
                case 0:
                    m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    m = m.AsSpan(0, rng.Next(m.Length)).ToArray();
                    break;
                case 2:
                    m = m.Concat(new byte[rng.Next(1, 40)]).ToArray();
                    break;
                default:
                    rng.NextBytes(m.AsSpan(1));
                    break;
            }
            if (m.Length > 0 && (m[0] >> 3) == 9)
                dataReceived++;
            bed.Server.Receive(m, bed.ClientAddrs[c]);
        }
        var st = bed.Server.Stats;
        Assert.That(st.ReceivedDataPackets + st.LostInDataPackets, Is.EqualTo(dataReceived), "every data packet accounted for");
        Assert.That(bed.Server.TakeDelivered(), Has.Count.LessThanOrEqualTo(st.ReceivedDataPackets));
        // then the genuine packets still work (replay state intact), except ids already accepted
        foreach (var (data, c) in originals)
            bed.Server.Receive(data, bed.ClientAddrs[c]);
        Assert.That(bed.Server.Stats.ReceivedDataPackets, Is.EqualTo(200), "each genuine packet accepted exactly once");
    }

    [Test]
    public void RandomDatagramsNeverThrow()
    {
        var rng = new Random(5);
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        for (int i = 0; i < 5000; i++)
        {
            var d = new byte[rng.Next(0, 3000)];
            rng.NextBytes(d);
            if (d.Length > 0 && rng.Next(2) == 0)
                d[0] = (byte)(0x48 | rng.Next(8));
            pair.A.Receive(d, pair.AddrB);
            unsafe
            {
                DriverUnderTest.OnTransportStream(pair.A.State, d);
            }
        }
        Assert.That(pair.A.TakeDelivered(), Is.Empty);
    }

    [Test]
    public void RandomIoctlsNeverThrowAndReturnKnownStatuses()
    {
        var rng = new Random(9);
        var allowed = new[]
        {
            NtStatus.Success, NtStatus.Pending, NtStatus.BufferTooSmall, NtStatus.InvalidDeviceRequest, NtStatus.InvalidParameter,
            NtStatus.ObjectIdExists, NtStatus.AlreadyInitialized, NtStatus.NotFound, NtStatus.BufferOverflow, NtStatus.InvalidDeviceState, NtStatus.ObjectIdNotFound,
        };
        for (int round = 0; round < 20; round++)
        {
            using var n = new TestNode();
            for (int i = 0; i < 300; i++)
            {
                uint code = 0x00220000u | ((uint)rng.Next(0, 21) << 2);
                var input = new byte[rng.Next(0, 120)];
                rng.NextBytes(input);
                var output = new byte[rng.Next(0, 200)];
                var status = n.Ioctl(code, input, output, out int bytes);
                Assert.That(allowed, Does.Contain(status), $"code {code:x}");
                Assert.That(bytes, Is.InRange(0, output.Length));
            }
        }
    }
}
