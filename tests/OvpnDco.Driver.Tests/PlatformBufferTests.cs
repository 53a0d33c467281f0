using System.Linq;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>
/// The data path builds packets in place in buffers the platform lends (IPlatform.TransportBuffer / AdapterBuffer).
/// The managed platform checks the discipline on every test (each buffer sent, delivered or released before the next
/// is taken, spans inside it); these tests cover a platform that has no buffer to give.
/// </summary>
public unsafe class PlatformBufferTests
{
    [TearDown]
    public void NoMoreFaults() => ManagedPlatform.FailBufferAt = 0;

    [Test]
    public void TxWithoutATransportBufferIsDroppedAndCounted([Values(OvpnProto.Udp, OvpnProto.Tcp)] OvpnProto proto)
    {
        using var pair = new P2pPair(proto);
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        var ip = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 100);
        ManagedPlatform.FailBufferAt = 1;
        Assert.That(pair.A.Send(ip), Is.EqualTo(NtStatus.InsufficientResources));
        Assert.That(pair.A.TakeSent(), Is.Empty);
        Assert.That(pair.A.Extra.TxNoBuffer, Is.EqualTo(1));
        Assert.That(pair.A.Stats.LostOutDataPackets, Is.EqualTo(1));
        Assert.That(pair.A.Send(ip), Is.EqualTo(NtStatus.Success), "the next packet gets a buffer again");
        pair.Pump();
        Assert.That(pair.B.TakeDelivered().Single(), Is.EqualTo(ip));
    }

    [Test]
    public void RxWithoutAnAdapterBufferIsDroppedAndCountedAndTheNextPacketPasses()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32);
        var first = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 60);
        var second = TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 70);
        Assert.That(pair.A.Send(first), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.Send(second), Is.EqualTo(NtStatus.Success));
        ManagedPlatform.FailBufferAt = 1; // B's first adapter buffer request
        pair.Pump();
        Assert.That(pair.B.TakeDelivered().Single(), Is.EqualTo(second));
        Assert.That(pair.B.Extra.NoBuffer, Is.EqualTo(1));
        Assert.That(pair.B.Stats.LostInDataPackets, Is.EqualTo(1));
        Assert.That(pair.B.Stats.ReceivedDataPackets, Is.EqualTo(1));
    }

    [Test]
    public void ControlWriteWithoutATransportBufferFailsCleanly([Values(OvpnProto.Udp, OvpnProto.Tcp)] OvpnProto proto)
    {
        using var pair = new P2pPair(proto);
        ManagedPlatform.FailBufferAt = 1;
        Assert.That(pair.A.Write(new byte[] { 0x38, 1, 2, 3 }), Is.EqualTo(NtStatus.InsufficientResources));
        Assert.That(pair.A.Stats.LostOutControlPackets, Is.EqualTo(1));
        Assert.That(pair.A.Write(new byte[] { 0x38, 1, 2, 3 }), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.TakeSent().Single().Data, Is.EqualTo(proto == OvpnProto.Tcp ? new byte[] { 0, 4, 0x38, 1, 2, 3 } : new byte[] { 0x38, 1, 2, 3 }));
    }
}
