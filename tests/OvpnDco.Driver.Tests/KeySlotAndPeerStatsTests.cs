using System;
using System.Linq;
using System.Runtime.InteropServices;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

public unsafe class KeySlotAndPeerStatsTests
{
    [Test]
    public void SwapWithEmptySecondaryLeavesPrimaryEmpty()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        Assert.That(pair.A.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success));
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.InvalidDeviceState));
        Assert.That(pair.A.Extra.TxNoKey, Is.EqualTo(1));
        Assert.That(pair.A.Ioctl(OvpnIoctl.SwapKeys), Is.EqualTo(NtStatus.Success), "swap back");
        Assert.That(pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10)), Is.EqualTo(NtStatus.Success));
        pair.Pump();
        Assert.That(pair.B.TakeDelivered(), Has.Count.EqualTo(1), "packet-id state travelled with the slot");
    }

    [Test]
    public void NewKeyReplacesAndDestroysTheOldKey()
    {
        using var pair = new P2pPair();
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 32);
        int keys = ManagedPlatform.LiveKeys;
        pair.A.Send(TestNode.Ipv4Packet("10.8.0.2", "10.8.0.1", 10));
        Assert.That(pair.A.P2pPeer->Keys.Primary.TxPacketId, Is.EqualTo(1));
        pair.InstallKeys(OvpnCipherAlg.ChaCha20Poly1305, 32, OvpnKeySlot.Primary, keyId: 2, seed: 5);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(keys), "old key objects destroyed");
        Assert.That(pair.A.P2pPeer->Keys.Primary.TxPacketId, Is.Zero, "fresh packet ids");
        Assert.That(pair.A.P2pPeer->Keys.Primary.KeyId, Is.EqualTo(2));
        pair.InstallKeys(OvpnCipherAlg.AesGcm, 16, OvpnKeySlot.Secondary, keyId: 3, seed: 6);
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(keys + 4));
        Assert.That(pair.A.Ioctl(OvpnIoctl.DelPeer), Is.EqualTo(NtStatus.Success));
        Assert.That(ManagedPlatform.LiveKeys, Is.EqualTo(keys), "A's four key objects destroyed with its peer");
    }

    [Test]
    public void GetPeerStats()
    {
        using var bed = new MpBed(3);
        bed.Clients[1].Send(TestNode.Ipv4Packet("10.8.0.3", "10.8.0.1", 80));
        bed.Server.Send(TestNode.Ipv4Packet("10.8.0.1", "10.8.0.3", 30));
        bed.Pump();
        var o = new byte[40 * 3];
        Assert.That(bed.Server.Ioctl(OvpnIoctl.GetPeerStats, BitConverter.GetBytes(2), o, out int n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(40));
        var st = MemoryMarshal.Read<OvpnPeerStats>(o);
        Assert.That(st.PeerId, Is.EqualTo(2));
        Assert.That(st.VpnRxBytes, Is.EqualTo(100));
        Assert.That(st.VpnTxBytes, Is.EqualTo(50));
        Assert.That(st.LinkRxBytes, Is.EqualTo(124));
        Assert.That(st.LinkTxBytes, Is.EqualTo(74));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.GetPeerStats, BitConverter.GetBytes(-1), o, out n), Is.EqualTo(NtStatus.Success));
        Assert.That(n, Is.EqualTo(120));
        var ids = Enumerable.Range(0, 3).Select(i => MemoryMarshal.Read<OvpnPeerStats>(o.AsSpan(i * 40)).PeerId).OrderBy(x => x);
        Assert.That(ids, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(bed.Server.Ioctl(OvpnIoctl.GetPeerStats, BitConverter.GetBytes(-1), o.AsSpan(0, 80), out n), Is.EqualTo(NtStatus.BufferOverflow));
        Assert.That(n, Is.EqualTo(80), "as many as fit");
    }

    [Test]
    public void MpSmallReadBufferLosesThePacket()
    {
        using var bed = new MpBed(1);
        Assert.That(bed.Server.Read(new byte[20], out _, out _), Is.EqualTo(NtStatus.Pending));
        bed.Server.Receive(new byte[] { 0x38, 1, 2, 3, 4, 5 }, bed.ClientAddrs[0]);
        Assert.That(bed.Server.Platform.Reads.Single().Status, Is.EqualTo(NtStatus.BufferTooSmall), "16-byte prefix + 6 > 20");
        Assert.That(bed.Server.Stats.LostInControlPackets, Is.EqualTo(1));
    }
}
