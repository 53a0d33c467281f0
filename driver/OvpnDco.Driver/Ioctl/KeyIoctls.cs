using System;
using System.Security.Cryptography;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>NEW_KEY and NEW_KEY_V2 (P2P: the peer; MP: the peer named by PeerId).</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>CryptoOptions bits we implement (EPOCH is refused: see driver/README.md).</summary>
    private const OvpnCryptoOptions SupportedOptions = OvpnCryptoOptions.AeadTagEnd | OvpnCryptoOptions.PacketId64Bit;

    // The request is copied once, byte for byte, into a local we own (the caller's buffer need not be aligned for
    // the struct), and that copy is zeroed with secure zeroing on every path: no key bytes stay on the stack.
    [Ioctl(OvpnIoctl.NewKey, Input = typeof(OvpnCryptoData), Modes = IoctlModes.Any)]
    private static NtStatus NewKey(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        OvpnCryptoData request = default;
        var copy = new Span<byte>(&request, sizeof(OvpnCryptoData));
        input.Slice(0, sizeof(OvpnCryptoData)).CopyTo(copy);
        var status = InstallKey(StatePtr(ref state), &request, 0);
        CryptographicOperations.ZeroMemory(copy);
        return status;
    }

    [Ioctl(OvpnIoctl.NewKeyV2, Input = typeof(OvpnCryptoDataV2), Modes = IoctlModes.Any)]
    private static NtStatus NewKeyV2(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        OvpnCryptoDataV2 request = default;
        var copy = new Span<byte>(&request, sizeof(OvpnCryptoDataV2));
        input.Slice(0, sizeof(OvpnCryptoDataV2)).CopyTo(copy);
        NtStatus status;
        if ((request.CryptoOptions & ~SupportedOptions) != 0)
            status = NtStatus.InvalidDeviceRequest;
        else
            status = InstallKey(StatePtr(ref state), &request.V1, request.CryptoOptions);
        CryptographicOperations.ZeroMemory(copy);
        return status;
    }

    /// <summary>
    /// Installs a key into the named slot. Cipher NONE is refused in MP mode: without authentication a forged packet
    /// could move a peer (float) and push its replay window forward. (OpenVPN never offers NONE to ovpn-dco-win:
    /// its Windows DCO cipher list is AES-GCM and ChaCha20-Poly1305 only.)
    /// </summary>
    private static NtStatus InstallKey(DriverState* s, OvpnCryptoData* request, OvpnCryptoOptions options)
    {
        if (!CryptoAead<TPlatform>.IsValid(*request))
            return NtStatus.InvalidDeviceRequest;
        if (s->Mode == OvpnMode.MP && request->CipherAlg == OvpnCipherAlg.None)
            return NtStatus.InvalidParameter;
        Peer* p = FindPeer(s, request->PeerId);
        if (p == null)
            return NtStatus.ObjectIdNotFound; // as upstream (OpenVPN treats any failure of NEW_KEY as fatal)
        ref KeySlot slot = ref request->KeySlot == OvpnKeySlot.Primary ? ref p->Keys.Primary : ref p->Keys.Secondary;
        return CryptoAead<TPlatform>.Install(ref slot, *request, options);
    }
}
