using System;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OvpnDco.Driver;
using OvpnDco.Driver.Tests;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

using static OvpnDco.Bench.Driver.SetupChecks;

namespace OvpnDco.Bench.Driver;

/// <summary>
/// Multipeer lookups: an MP server with <see cref="Peers"/> peers (8 of them real client instances, used in turn).
/// One operation = a 1400-byte packet client -> server (peer-id hash lookup, open, replay, source LPM) plus one
/// server -> client (destination LPM, seal, client open). Baseline: two plain AES-256-GCM encrypt+decrypt.
/// </summary>
[MemoryDiagnoser]
public unsafe class MultipeerBenchmark
{
    private const int PacketSize = 1400;
    private const int Clients = 8;

    [Params(8, 10_000, 100_000)]
    public int Peers { get; set; } = 8;

    private PlatformInstance _server = null!;
    private DriverState* _s;
    private readonly PlatformInstance[] _client = new PlatformInstance[Clients];
    private readonly nint[] _c = new nint[Clients];
    private readonly SockAddrInet[] _caddr = new SockAddrInet[Clients];
    private readonly byte[][] _up = new byte[Clients][];
    private readonly byte[][] _down = new byte[Clients][];
    private SockAddrInet _saddr;
    private int _next;
    private AesGcm _aes = null!;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _aad = new byte[8];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _wire = new byte[PacketSize];
    private readonly byte[] _plain = new byte[PacketSize];

    private static SockAddrInet Addr(int i, ushort port)
    {
        var a = default(SockAddrInet);
        a.Addr4.Family = WinAddressFamily.Inet;
        a.Addr4.Port = port;
        a.Addr4.Addr.Bytes[0] = 100;
        a.Addr4.Addr.Bytes[1] = (byte)(i >> 16);
        a.Addr4.Addr.Bytes[2] = (byte)(i >> 8);
        a.Addr4.Addr.Bytes[3] = (byte)i;
        return a;
    }

    private static NtStatus Ioctl<T>(DriverState* s, uint code, T value)
        where T : unmanaged
    {
        int bytes = 0;
        return Driver<ManagedPlatform>.DeviceIoControl(s, code, new ReadOnlySpan<byte>(&value, sizeof(T)), Span<byte>.Empty, ref bytes, false);
    }

    private static OvpnCryptoData Key(byte enc, byte dec, int peerId)
    {
        var d = new OvpnCryptoData { CipherAlg = OvpnCipherAlg.AesGcm, KeySlot = OvpnKeySlot.Primary, PeerId = peerId };
        d.Encrypt.KeyLen = 32;
        d.Decrypt.KeyLen = 32;
        for (int i = 0; i < 32; i++)
        {
            d.Encrypt.Key[i] = (byte)(enc + i);
            d.Decrypt.Key[i] = (byte)(dec + i);
        }
        return d;
    }

    private static byte[] Packet(int src, int dst)
    {
        var p = new byte[PacketSize];
        p[0] = 0x45;
        p[9] = 17;
        p[12] = 10;
        p[13] = (byte)(src >> 16);
        p[14] = (byte)(src >> 8);
        p[15] = (byte)src;
        p[16] = 10;
        p[17] = (byte)(dst >> 16);
        p[18] = (byte)(dst >> 8);
        p[19] = (byte)dst;
        return p;
    }

    [GlobalSetup]
    public void Setup()
    {
        _server = ManagedPlatform.NewInstance();
        _server.Capture = false;
        _s = Driver<ManagedPlatform>.Create(_server.Id);
        _saddr = Addr(0, 1194);
        Check(Ioctl(_s, OvpnIoctl.SetMode, new OvpnSetMode { Mode = OvpnMode.MP }));
        Check(Ioctl(_s, OvpnIoctl.MpStartVpn, new OvpnMpStartVpn { ListenAddress = _saddr }));
        for (int i = 1; i <= Peers; i++)
        {
            var np = new OvpnMpNewPeer { Local = _saddr, Remote = Addr(i, 1194), PeerId = i };
            np.VpnAddr4.Bytes[0] = 10;
            np.VpnAddr4.Bytes[1] = (byte)(i >> 16);
            np.VpnAddr4.Bytes[2] = (byte)(i >> 8);
            np.VpnAddr4.Bytes[3] = (byte)i;
            Check(Ioctl(_s, OvpnIoctl.MpNewPeer, np));
        }
        for (int c = 0; c < Clients; c++)
        {
            int id = 1 + c * (Peers / Clients);
            _client[c] = ManagedPlatform.NewInstance();
            _client[c].Capture = false;
            var cs = Driver<ManagedPlatform>.Create(_client[c].Id);
            _c[c] = (nint)cs;
            _caddr[c] = Addr(id, 1194);
            Check(Ioctl(cs, OvpnIoctl.NewPeer, new OvpnNewPeer { Local = _caddr[c], Remote = _saddr }));
            Check(Ioctl(cs, OvpnIoctl.NewKey, Key(10, 100, id)));
            Check(Ioctl(_s, OvpnIoctl.NewKey, Key(100, 10, id)));
            _up[c] = Packet(id, 1);
            _down[c] = Packet(1, id);
        }
        var key = new byte[32];
        for (int i = 0; i < 32; i++)
            key[i] = (byte)(10 + i);
        _aes = new AesGcm(key, 16);
        long before = _server.DeliveredCount;
        Lookups();
        if (_server.DeliveredCount != before + 1)
            throw new InvalidOperationException("round trip failed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Driver<ManagedPlatform>.Destroy(_s);
        for (int c = 0; c < Clients; c++)
            Driver<ManagedPlatform>.Destroy((DriverState*)_c[c]);
        _aes.Dispose();
    }

    [Benchmark(Description = "MP up+down (lookups, 2x seal+open)")]
    public int Lookups()
    {
        int c = _next;
        _next = (c + 1) & (Clients - 1);
        var cs = (DriverState*)_c[c];
        Driver<ManagedPlatform>.OnAdapterTransmit(cs, _up[c]);
        Driver<ManagedPlatform>.OnTransportReceive(_s, new ReadOnlySpan<byte>(_client[c].LastSent, 0, _client[c].LastSentLength), _caddr[c]);
        Driver<ManagedPlatform>.OnAdapterTransmit(_s, _down[c]);
        Driver<ManagedPlatform>.OnTransportReceive(cs, new ReadOnlySpan<byte>(_server.LastSent, 0, _server.LastSentLength), _saddr);
        return _client[c].LastDeliveredLength;
    }

    [Benchmark(Baseline = true, Description = "plain AES-256-GCM 2x encrypt+decrypt")]
    public int Plain()
    {
        for (int i = 0; i < 2; i++)
        {
            _nonce[0]++;
            _aes.Encrypt(_nonce, _up[0], _wire, _tag, _aad);
            _aes.Decrypt(_nonce, _wire, _tag, _plain, _aad);
        }
        return _plain.Length;
    }
}
