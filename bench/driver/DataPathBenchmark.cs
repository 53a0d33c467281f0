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
/// One operation = one 1400-byte IPv4 packet encrypted by instance A (adapter -> seal -> transport) and decrypted by
/// instance B (transport -> open -> replay -> adapter), versus the plain .NET AEAD encrypt+decrypt of the same
/// buffers (Baseline). Ratio = the driver's framing/lookup/replay/copy overhead factor.
/// </summary>
[MemoryDiagnoser]
public unsafe class DataPathBenchmark
{
    public const int PacketSize = 1400;

    [Params("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "none")]
    public string Cipher { get; set; } = "aes-256-gcm";

    private PlatformInstance _a = null!;
    private PlatformInstance _b = null!;
    private DriverState* _sa;
    private DriverState* _sb;
    private SockAddrInet _addrA;
    private SockAddrInet _addrB;
    private readonly byte[] _packet = new byte[PacketSize];
    private readonly byte[] _wire = new byte[PacketSize + 64];
    private readonly byte[] _plain = new byte[PacketSize];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _aad = new byte[8];
    private AesGcm? _aes;
    private ChaCha20Poly1305? _chacha;
    private uint _pid;

    private static SockAddrInet V4(byte last, ushort port)
    {
        var a = default(SockAddrInet);
        a.Addr4.Family = WinAddressFamily.Inet;
        a.Addr4.Port = port;
        a.Addr4.Addr.Bytes[0] = 192;
        a.Addr4.Addr.Bytes[1] = 0;
        a.Addr4.Addr.Bytes[2] = 2;
        a.Addr4.Addr.Bytes[3] = last;
        return a;
    }

    private static NtStatus Ioctl<T>(DriverState* s, uint code, T value)
        where T : unmanaged
    {
        int bytes = 0;
        return Driver<ManagedPlatform>.DeviceIoControl(s, code, new ReadOnlySpan<byte>(&value, sizeof(T)), Span<byte>.Empty, ref bytes, false);
    }

    private static OvpnCryptoData Key(OvpnCipherAlg alg, int len, byte encSeed, byte decSeed)
    {
        var d = new OvpnCryptoData { CipherAlg = alg, KeySlot = OvpnKeySlot.Primary };
        d.Encrypt.KeyLen = (byte)len;
        d.Decrypt.KeyLen = (byte)len;
        for (int i = 0; i < 32; i++)
        {
            d.Encrypt.Key[i] = (byte)(encSeed + i);
            d.Decrypt.Key[i] = (byte)(decSeed + i);
        }
        for (int i = 0; i < 8; i++)
        {
            d.Encrypt.NonceTail[i] = (byte)(encSeed ^ i);
            d.Decrypt.NonceTail[i] = (byte)(decSeed ^ i);
        }
        return d;
    }

    [GlobalSetup]
    public void Setup()
    {
        (OvpnCipherAlg alg, int len) = Cipher switch
        {
            "aes-128-gcm" => (OvpnCipherAlg.AesGcm, 16),
            "aes-256-gcm" => (OvpnCipherAlg.AesGcm, 32),
            "chacha20-poly1305" => (OvpnCipherAlg.ChaCha20Poly1305, 32),
            _ => (OvpnCipherAlg.None, 0),
        };
        _a = ManagedPlatform.NewInstance();
        _b = ManagedPlatform.NewInstance();
        _a.Capture = false;
        _b.Capture = false;
        _sa = Driver<ManagedPlatform>.Create(_a.Id);
        _sb = Driver<ManagedPlatform>.Create(_b.Id);
        _addrA = V4(1, 1194);
        _addrB = V4(2, 1194);
        Check(Ioctl(_sa, OvpnIoctl.NewPeer, new OvpnNewPeer { Local = _addrA, Remote = _addrB }));
        Check(Ioctl(_sb, OvpnIoctl.NewPeer, new OvpnNewPeer { Local = _addrB, Remote = _addrA }));
        Check(Ioctl(_sa, OvpnIoctl.NewKey, Key(alg, len, 10, 100)));
        Check(Ioctl(_sb, OvpnIoctl.NewKey, Key(alg, len, 100, 10)));
        _packet[0] = 0x45;
        _packet[2] = PacketSize >> 8;
        _packet[3] = PacketSize & 0xFF;
        _packet[9] = 17;
        for (int i = 20; i < PacketSize; i++)
            _packet[i] = (byte)i;
        var key = new byte[32];
        for (int i = 0; i < 32; i++)
            key[i] = (byte)(10 + i);
        if (alg == OvpnCipherAlg.ChaCha20Poly1305)
            _chacha = new ChaCha20Poly1305(key);
        else if (alg == OvpnCipherAlg.AesGcm)
            _aes = new AesGcm(key.AsSpan(0, len), 16);
        // warm the path once and check it works
        DriverRoundTrip();
        if (_b.DeliveredCount != 1)
            throw new InvalidOperationException("round trip failed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Driver<ManagedPlatform>.Destroy(_sa);
        Driver<ManagedPlatform>.Destroy(_sb);
        _aes?.Dispose();
        _chacha?.Dispose();
    }

    [Benchmark(Description = "driver seal+open")]
    public int DriverRoundTrip()
    {
        Driver<ManagedPlatform>.OnAdapterTransmit(_sa, _packet);
        Driver<ManagedPlatform>.OnTransportReceive(_sb, new ReadOnlySpan<byte>(_a.LastSent, 0, _a.LastSentLength), _addrA);
        return _b.LastDeliveredLength;
    }

    [Benchmark(Baseline = true, Description = "plain .NET AEAD encrypt+decrypt")]
    public int PlainAead()
    {
        _pid++;
        _nonce[3] = (byte)_pid;
        _aad[7] = (byte)_pid;
        var cipher = _wire.AsSpan(24, PacketSize);
        if (_aes != null)
        {
            _aes.Encrypt(_nonce, _packet, cipher, _tag, _aad);
            _aes.Decrypt(_nonce, cipher, _tag, _plain, _aad);
        }
        else if (_chacha != null)
        {
            _chacha.Encrypt(_nonce, _packet, cipher, _tag, _aad);
            _chacha.Decrypt(_nonce, cipher, _tag, _plain, _aad);
        }
        else
        {
            _packet.AsSpan().CopyTo(cipher);
            cipher.CopyTo(_plain);
        }
        return _plain.Length;
    }
}
