using System;
using BenchmarkDotNet.Attributes;
using OvpnDco.Driver;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

using static OvpnDco.Bench.Driver.SetupChecks;

namespace OvpnDco.Bench.Driver;

/// <summary>
/// The managed half of bench/datapath's managed/native ratio: the same work as its native "timed" run — one 1400-byte
/// IPv4 packet through OnAdapterTransmit (seal) and, looped back, OnTransportReceive (open, replay) of one P2P driver
/// whose keys open what it seals — with the driver core under the JIT on <see cref="LeanPlatform"/>, whose AEAD is the
/// native build's own. Baseline: those AEAD calls alone on the same buffers (what reference.c is to the native run).
/// </summary>
[MemoryDiagnoser]
public unsafe class ManagedVsNativeBenchmark
{
    public const int PacketSize = 1400;

    [Params("aes-256-gcm", "none")]
    public string Cipher { get; set; } = "aes-256-gcm";

    private DriverState* _s;
    private SockAddrInet _remote;
    private readonly byte[] _packet = GC.AllocateArray<byte>(PacketSize, pinned: true);
    private readonly byte[] _wire = GC.AllocateArray<byte>(PacketSize + 64, pinned: true);
    private readonly byte[] _plain = GC.AllocateArray<byte>(PacketSize, pinned: true);
    private readonly byte[] _nonce = GC.AllocateArray<byte>(12, pinned: true);
    private nint _sealKey;
    private nint _openKey;

    private static NtStatus Ioctl<T>(DriverState* s, uint code, T value)
        where T : unmanaged
    {
        int bytes = 0;
        return Driver<LeanPlatform>.DeviceIoControl(s, code, new ReadOnlySpan<byte>(&value, sizeof(T)), Span<byte>.Empty, ref bytes, false);
    }

    [GlobalSetup]
    public void Setup()
    {
        var alg = Cipher == "none" ? OvpnCipherAlg.None : OvpnCipherAlg.AesGcm;
        int len = alg == OvpnCipherAlg.None ? 0 : 32;
        _s = Driver<LeanPlatform>.Create(1);
        _remote.Addr4.Family = WinAddressFamily.Inet;
        _remote.Addr4.Port = 0xab00;
        _remote.Addr4.Addr.Bytes[0] = 127;
        _remote.Addr4.Addr.Bytes[3] = 1;
        var local = _remote;
        local.Addr4.Port = 0xaa00;
        Check(Ioctl(_s, OvpnIoctl.NewPeer, new OvpnNewPeer { Local = local, Remote = _remote }));
        // The same key both ways (as bench/datapath/main.c): the driver opens what it sealed.
        var d = new OvpnCryptoData { CipherAlg = alg, KeySlot = OvpnKeySlot.Primary };
        d.Encrypt.KeyLen = (byte)len;
        d.Decrypt.KeyLen = (byte)len;
        for (int i = 0; i < 32; i++)
            d.Encrypt.Key[i] = d.Decrypt.Key[i] = (byte)(i + 1);
        Check(Ioctl(_s, OvpnIoctl.NewKey, d));
        int none = 0;
        Check(Driver<LeanPlatform>.DeviceIoControl(_s, OvpnIoctl.StartVpn, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, ref none, false));
        _packet[0] = 0x45;
        _packet[2] = PacketSize >> 8;
        _packet[3] = PacketSize & 0xFF;
        _packet[8] = 64;
        _packet[9] = 17;
        for (int i = 20; i < PacketSize; i++)
            _packet[i] = (byte)i;
        if (alg != OvpnCipherAlg.None)
        {
            Check(LeanPlatform.AeadKeyCreate(alg, new ReadOnlySpan<byte>(d.Encrypt.Key, 32), out _sealKey));
            Check(LeanPlatform.AeadKeyCreate(alg, new ReadOnlySpan<byte>(d.Encrypt.Key, 32), out _openKey));
        }
        LeanPlatform.LastDeliveredLength = 0;
        if (DriverRoundTrip() != PacketSize + 0x45 || (alg != OvpnCipherAlg.None && OpenSslAlone() != PacketSize))
            throw new InvalidOperationException("round trip failed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Driver<LeanPlatform>.Destroy(_s);
        if (_sealKey != 0)
            LeanPlatform.AeadKeyDestroy(_sealKey);
        if (_openKey != 0)
            LeanPlatform.AeadKeyDestroy(_openKey);
    }

    [Benchmark(Description = "driver seal+open (JIT, OpenSSL)")]
    public int DriverRoundTrip()
    {
        Driver<LeanPlatform>.OnAdapterTransmit(_s, _packet);
        Driver<LeanPlatform>.OnTransportReceive(_s, new ReadOnlySpan<byte>(LeanPlatform.LastSent, 0, LeanPlatform.LastSentLength), _remote);
        return LeanPlatform.LastDeliveredLength;
    }

    [Benchmark(Baseline = true, Description = "the same AEAD calls alone")]
    public int OpenSslAlone()
    {
        if (_sealKey == 0)
        {
            _packet.AsSpan().CopyTo(_wire.AsSpan(8));
            _wire.AsSpan(8, PacketSize).CopyTo(_plain);
            return PacketSize;
        }
        _nonce[3]++;
        var wire = _wire.AsSpan();
        bool ok = LeanPlatform.AeadSeal(_sealKey, _nonce, wire.Slice(0, 8), _packet, wire.Slice(24, PacketSize), wire.Slice(8, 16))
                  && LeanPlatform.AeadOpen(_openKey, _nonce, wire.Slice(0, 8), wire.Slice(24, PacketSize), wire.Slice(8, 16), _plain);
        return ok ? PacketSize : -1;
    }
}
