using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver.Tests;

/// <summary>One driver instance on the managed platform, with typed IOCTL helpers.</summary>
public sealed unsafe class TestNode : IDisposable
{
    public readonly PlatformInstance Platform;
    public DriverState* State;
    private nint _nextRequest = 100;

    public TestNode()
    {
        Platform = ManagedPlatform.NewInstance();
        State = DriverUnderTest.Create(Platform.Id);
        if (State == null)
            throw new InvalidOperationException("Create failed");
        var s = State;
        Platform.TimerCallback = () => DriverUnderTest.OnTimer(s);
    }

    public void Dispose()
    {
        if (State != null)
            DriverUnderTest.Destroy(State);
        State = null;
    }

    public NtStatus Ioctl(uint code, ReadOnlySpan<byte> input, Span<byte> output, out int bytes)
    {
        int n = 0;
        var status = DriverUnderTest.DeviceIoControl(State, code, input, output, ref n, false);
        bytes = n;
        return status;
    }

    public NtStatus Ioctl<T>(uint code, in T input)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in input));
        return Ioctl(code, bytes, Span<byte>.Empty, out _);
    }

    public NtStatus Ioctl(uint code) => Ioctl(code, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, out _);

    public OvpnStats Stats
    {
        get
        {
            Span<byte> o = stackalloc byte[64];
            var st = Ioctl(OvpnIoctl.GetStats, ReadOnlySpan<byte>.Empty, o, out _);
            if (st != NtStatus.Success)
                throw new InvalidOperationException(st.ToString());
            return MemoryMarshal.Read<OvpnStats>(o);
        }
    }

    public ref DriverStats Extra => ref State->Stats;

    /// <summary>The peer a reference names in this device's store (null when stale), read from the state's memory.</summary>
    public Peer* Resolve(PeerRef reference) => PeerStoreOps<ManagedPlatform>.Get(ref State->Peers, reference);

    public Peer* P2pPeer => Resolve(State->P2p);

    public int PeerCount => State->Peers.Count;

    /// <summary>Every live peer, in slot order.</summary>
    public System.Collections.Generic.List<nint> Peers()
    {
        var list = new System.Collections.Generic.List<nint>();
        for (int i = 0; i < State->Peers.Capacity; i++)
        {
            Peer* p = PeerStoreOps<ManagedPlatform>.At(ref State->Peers, i);
            if (p != null)
                list.Add((nint)p);
        }
        return list;
    }

    // ---- addresses ----

    public static SockAddrInet V4(string ip, ushort port)
    {
        var a = default(SockAddrInet);
        a.Addr4.Family = WinAddressFamily.Inet;
        a.Addr4.Port = port;
        var b = IPAddress.Parse(ip).GetAddressBytes();
        for (int i = 0; i < 4; i++)
            a.Addr4.Addr.Bytes[i] = b[i];
        return a;
    }

    public static SockAddrInet V6(string ip, ushort port)
    {
        var a = default(SockAddrInet);
        a.Addr6.Family = WinAddressFamily.Inet6;
        a.Addr6.Port = port;
        var b = IPAddress.Parse(ip).GetAddressBytes();
        for (int i = 0; i < 16; i++)
            a.Addr6.Addr.Bytes[i] = b[i];
        return a;
    }

    // ---- P2P setup ----

    public NtStatus NewPeer(SockAddrInet local, SockAddrInet remote, OvpnProto proto = OvpnProto.Udp)
        => Ioctl(OvpnIoctl.NewPeer, new OvpnNewPeer { Local = local, Remote = remote, Proto = proto });

    public static OvpnCryptoData Key(OvpnCipherAlg alg, int keyLen, byte[] enc, byte[] dec, byte[] encTail, byte[] decTail,
        OvpnKeySlot slot = OvpnKeySlot.Primary, int keyId = 0, int peerId = 0)
    {
        var d = new OvpnCryptoData { KeySlot = slot, CipherAlg = alg, KeyId = (byte)keyId, PeerId = peerId };
        d.Encrypt.KeyLen = (byte)keyLen;
        d.Decrypt.KeyLen = (byte)keyLen;
        for (int i = 0; i < keyLen && alg != OvpnCipherAlg.None; i++)
        {
            d.Encrypt.Key[i] = enc[i];
            d.Decrypt.Key[i] = dec[i];
        }
        for (int i = 0; i < 8; i++)
        {
            d.Encrypt.NonceTail[i] = encTail[i];
            d.Decrypt.NonceTail[i] = decTail[i];
        }
        return d;
    }

    public NtStatus NewKey(in OvpnCryptoData key, OvpnCryptoOptions options = 0)
        => Ioctl(OvpnIoctl.NewKeyV2, new OvpnCryptoDataV2 { V1 = key, CryptoOptions = options });

    public NtStatus SetPeer(int interval, int timeout, int mss)
        => Ioctl(OvpnIoctl.SetPeer, new OvpnSetPeer { KeepaliveInterval = interval, KeepaliveTimeout = timeout, MSS = mss });

    // ---- data path ----

    public NtStatus Send(byte[] ip) => DriverUnderTest.OnAdapterTransmit(State, (byte[])ip.Clone());

    public void Receive(byte[] packet, SockAddrInet from) => DriverUnderTest.OnTransportReceive(State, packet, from);

    public List<SentPacket> TakeSent()
    {
        var l = Platform.Sent.ToList();
        Platform.Sent.Clear();
        return l;
    }

    public List<byte[]> TakeDelivered()
    {
        var l = Platform.Delivered.ToList();
        Platform.Delivered.Clear();
        return l;
    }

    public NtStatus Read(byte[] buffer, out int bytes, out nint request)
    {
        request = _nextRequest++;
        return DriverUnderTest.ReadControl(State, request, buffer, out bytes);
    }

    public NtStatus Write(byte[] buffer) => DriverUnderTest.WriteControl(State, buffer);

    // ---- packets ----

    public static byte[] Ipv4Packet(string src, string dst, int payloadLength, byte fill = 0xAB)
    {
        var p = new byte[20 + payloadLength];
        p[0] = 0x45;
        p[2] = (byte)(p.Length >> 8);
        p[3] = (byte)p.Length;
        p[8] = 64;
        p[9] = 17;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(p, 12);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(p, 16);
        for (int i = 20; i < p.Length; i++)
            p[i] = (byte)(fill + i);
        return p;
    }

    public static byte[] Ipv6Packet(string src, string dst, int payloadLength)
    {
        var p = new byte[40 + payloadLength];
        p[0] = 0x60;
        p[4] = (byte)(payloadLength >> 8);
        p[5] = (byte)payloadLength;
        p[6] = 17;
        p[7] = 64;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(p, 8);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(p, 24);
        for (int i = 40; i < p.Length; i++)
            p[i] = (byte)i;
        return p;
    }
}

/// <summary>Key material helpers.</summary>
public static class Keys
{
    public static byte[] Bytes(int length, int seed)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++)
            b[i] = (byte)(seed * 31 + i * 7 + 1);
        return b;
    }

    public static readonly (OvpnCipherAlg Alg, int KeyLen, string Name)[] Ciphers =
    {
        (OvpnCipherAlg.AesGcm, 16, "aes-128-gcm"),
        (OvpnCipherAlg.AesGcm, 24, "aes-192-gcm"),
        (OvpnCipherAlg.AesGcm, 32, "aes-256-gcm"),
        (OvpnCipherAlg.ChaCha20Poly1305, 32, "chacha20-poly1305"),
        (OvpnCipherAlg.None, 0, "none"),
    };
}

/// <summary>Two P2P nodes back to back over UDP or TCP.</summary>
public sealed class P2pPair : IDisposable
{
    public readonly TestNode A = new();
    public readonly TestNode B = new();
    public readonly SockAddrInet AddrA = TestNode.V4("192.0.2.1", 1194);
    public readonly SockAddrInet AddrB = TestNode.V4("192.0.2.2", 1194);
    public readonly OvpnProto Proto;

    public P2pPair(OvpnProto proto = OvpnProto.Udp)
    {
        Proto = proto;
        var sa = A.NewPeer(AddrA, AddrB, proto);
        var sb = B.NewPeer(AddrB, AddrA, proto);
        if (proto == OvpnProto.Tcp)
        {
            unsafe
            {
                DriverUnderTest.OnTransportConnected(A.State, NtStatus.Success);
                DriverUnderTest.OnTransportConnected(B.State, NtStatus.Success);
            }
        }
        else if (sa != NtStatus.Success || sb != NtStatus.Success)
        {
            throw new InvalidOperationException($"NEW_PEER {sa} {sb}");
        }
    }

    public void InstallKeys(OvpnCipherAlg alg, int keyLen, OvpnKeySlot slot = OvpnKeySlot.Primary, int keyId = 0,
        OvpnCryptoOptions options = 0, int seed = 1)
    {
        var k1 = Keys.Bytes(32, seed);
        var k2 = Keys.Bytes(32, seed + 100);
        var t1 = Keys.Bytes(8, seed + 200);
        var t2 = Keys.Bytes(8, seed + 300);
        Assert.That(A.NewKey(TestNode.Key(alg, keyLen, k1, k2, t1, t2, slot, keyId), options), Is.EqualTo(NtStatus.Success));
        Assert.That(B.NewKey(TestNode.Key(alg, keyLen, k2, k1, t2, t1, slot, keyId), options), Is.EqualTo(NtStatus.Success));
    }

    /// <summary>Moves everything A sent to B and vice versa; returns the number of transport units moved.</summary>
    public int Pump()
    {
        int n = 0;
        foreach (var p in A.TakeSent())
        {
            Deliver(B, p, AddrA);
            n++;
        }
        foreach (var p in B.TakeSent())
        {
            Deliver(A, p, AddrB);
            n++;
        }
        return n;
    }

    public unsafe void Deliver(TestNode to, SentPacket p, SockAddrInet from)
    {
        if (p.Proto == OvpnProto.Tcp)
            DriverUnderTest.OnTransportStream(to.State, p.Data);
        else
            to.Receive(p.Data, from);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
