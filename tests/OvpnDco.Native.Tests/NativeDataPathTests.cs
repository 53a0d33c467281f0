using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using OvpnDco.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Native.Tests;

/// <summary>
/// The transpiled driver on the hosted runtime (OpenSSL), end to end through its C API: a P2P peer with
/// AES-256-GCM keys; packets it sends are opened by .NET's AesGcm, packets .NET seals are delivered by it.
/// </summary>
[NonParallelizable]
public unsafe class NativeDataPathTests
{
    private static readonly byte[] EncryptKey = Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray();
    private static readonly byte[] DecryptKey = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 ^ i)).ToArray();
    private static readonly byte[] EncryptTail = { 1, 2, 3, 4, 5, 6, 7, 8 };
    private static readonly byte[] DecryptTail = { 9, 10, 11, 12, 13, 14, 15, 16 };

    private nint _state;

    [SetUp]
    public void CreateDevice()
    {
        NativeDriver.ClearCalls();
        _state = NativeDriver.Create(42);
        Assert.That(_state, Is.Not.EqualTo((nint)0));
    }

    [TearDown]
    public void DestroyDevice()
    {
        if (_state != 0)
            NativeDriver.Destroy(_state);
        _state = 0;
        Assert.That(NativeDriver.LiveAllocations(), Is.EqualTo(0), "every allocation of the device is freed");
    }

    private static byte[] Ipv4Packet(int payload)
    {
        var p = new byte[20 + payload];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = 17;
        new byte[] { 10, 8, 0, 2, 10, 8, 0, 1 }.CopyTo(p, 12);
        for (var i = 20; i < p.Length; i++)
            p[i] = (byte)i;
        return p;
    }

    private void SetUpPeer()
    {
        var newPeer = new OvpnNewPeer
        {
            Local = SockAddrConverter.ToSockAddrInet(new IPEndPoint(IPAddress.Loopback, 1194)),
            Remote = SockAddrConverter.ToSockAddrInet(new IPEndPoint(IPAddress.Loopback, 1195)),
            Proto = OvpnProto.Udp,
        };
        Assert.That(NativeDriver.Ioctl(_state, OvpnIoctl.NewPeer, newPeer), Is.EqualTo(0), "NEW_PEER");
        var key = CryptoData.Create(OvpnKeySlot.Primary, OvpnCipherAlg.AesGcm, 0, 0,
            CryptoData.Direction(EncryptKey, EncryptTail), CryptoData.Direction(DecryptKey, DecryptTail));
        Assert.That(NativeDriver.Ioctl(_state, OvpnIoctl.NewKey, key), Is.EqualTo(0), "NEW_KEY");
        Assert.That(NativeDriver.Ioctl(_state, OvpnIoctl.StartVpn, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, out _), Is.EqualTo(0), "START_VPN");
    }

    [Test]
    public void GetVersionAnswersFromNativeCode()
    {
        var output = new byte[12];
        Assert.That(NativeDriver.Ioctl(_state, OvpnIoctl.GetVersion, ReadOnlySpan<byte>.Empty, output, out var returned), Is.EqualTo(0));
        Assert.That(returned, Is.EqualTo(12));
        Assert.That(BitConverter.ToInt32(output, 0) + BitConverter.ToInt32(output, 4) + BitConverter.ToInt32(output, 8), Is.GreaterThan(0));
        var shortOutput = new byte[11];
        Assert.That((uint)NativeDriver.Ioctl(_state, OvpnIoctl.GetVersion, ReadOnlySpan<byte>.Empty, shortOutput, out _), Is.EqualTo(0xC0000023u),
            "STATUS_BUFFER_TOO_SMALL");
        Assert.That((uint)NativeDriver.Ioctl(_state, 0x00220FFC, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, out _), Is.EqualTo(0xC0000010u),
            "STATUS_INVALID_DEVICE_REQUEST");
    }

    [Test]
    public void PeerSetupReachesTheHost()
    {
        SetUpPeer();
        var calls = NativeDriver.Calls;
        var open = calls.Single(c => c.Name == "transport_open");
        Assert.That(open.Context, Is.EqualTo((nint)42));
        Assert.That(open.Number, Is.EqualTo(0), "UDP");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(open.Address.AsSpan(2)), Is.EqualTo(1195), "remote port");
        Assert.That(calls.Any(c => c.Name == "adapter_set_link" && c.Number == 1), Is.True, "link up after START_VPN");
    }

    [Test]
    public void TransmittedPacketsOpenWithDotNetAesGcm()
    {
        SetUpPeer();
        NativeDriver.ClearCalls();
        var ip = Ipv4Packet(100);
        Assert.That(NativeDriver.AdapterTransmit(_state, (byte[])ip.Clone()), Is.EqualTo(0));
        var sent = NativeDriver.Calls.Single(c => c.Name == "transport_send").Data;
        Assert.That(sent.Length, Is.EqualTo(24 + ip.Length));
        Assert.That(sent[0], Is.EqualTo(0x48), "P_DATA_V2, key id 0");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(sent.AsSpan(4)), Is.EqualTo(1u), "first packet id");
        var nonce = sent.AsSpan(4, 4).ToArray().Concat(EncryptTail).ToArray();
        var plain = new byte[ip.Length];
        using var aes = new AesGcm(EncryptKey, 16);
        aes.Decrypt(nonce, sent.AsSpan(24), sent.AsSpan(8, 16), plain, sent.AsSpan(0, 8));
        Assert.That(plain, Is.EqualTo(ip));
    }

    [Test]
    public void ReceivedPacketsAreDeliveredOnceAndReplaysDropped()
    {
        SetUpPeer();
        NativeDriver.ClearCalls();
        var ip = Ipv4Packet(60);
        var packet = new byte[24 + ip.Length];
        packet[0] = 0x48;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 1);
        var nonce = packet.AsSpan(4, 4).ToArray().Concat(DecryptTail).ToArray();
        using (var aes = new AesGcm(DecryptKey, 16))
            aes.Encrypt(nonce, ip, packet.AsSpan(24), packet.AsSpan(8, 16), packet.AsSpan(0, 8));
        var from = new byte[28];
        var remote = SockAddrConverter.ToSockAddrInet(new IPEndPoint(IPAddress.Loopback, 1195));
        new ReadOnlySpan<byte>(&remote, 28).CopyTo(from);

        NativeDriver.TransportReceive(_state, packet, from);
        NativeDriver.TransportReceive(_state, packet, from); // replay
        var forged = (byte[])packet.Clone();
        forged[^1] ^= 1;
        BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(4), 2);
        NativeDriver.TransportReceive(_state, forged, from);

        var delivered = NativeDriver.Calls.Where(c => c.Name == "adapter_deliver").ToList();
        Assert.That(delivered, Has.Count.EqualTo(1));
        Assert.That(delivered[0].Data, Is.EqualTo(ip));

        var stats = new byte[64];
        Assert.That(NativeDriver.Ioctl(_state, OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, stats, out _), Is.EqualTo(0));
        Assert.That(BitConverter.ToInt32(stats, 16), Is.EqualTo(1), "ReceivedDataPackets");
        Assert.That(BitConverter.ToInt32(stats, 8), Is.EqualTo(2), "LostInDataPackets: the replay and the forgery");
    }
}
