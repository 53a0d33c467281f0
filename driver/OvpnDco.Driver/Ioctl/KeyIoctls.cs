using System;
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

    // The request is used where it lies (the I/O manager's copy of the caller's buffer): no copy of the key bytes is
    // made on the stack, so none can be left behind. The platform's key objects hold the only other copy.
    [Ioctl(OvpnIoctl.NewKey, Input = typeof(OvpnCryptoData), Modes = IoctlModes.Any)]
    private static NtStatus NewKey(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        fixed (byte* request = input)
            return InstallKey(StatePtr(ref state), (OvpnCryptoData*)request, 0);
    }

    [Ioctl(OvpnIoctl.NewKeyV2, Input = typeof(OvpnCryptoDataV2), Modes = IoctlModes.Any)]
    private static NtStatus NewKeyV2(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        fixed (byte* bytes = input)
        {
            var request = (OvpnCryptoDataV2*)bytes;
            if ((request->CryptoOptions & ~SupportedOptions) != 0)
                return NtStatus.InvalidDeviceRequest;
            return InstallKey(StatePtr(ref state), &request->V1, request->CryptoOptions);
        }
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
            return NtStatus.InvalidDeviceRequest;
        ref KeySlot slot = ref request->KeySlot == OvpnKeySlot.Primary ? ref p->Keys.Primary : ref p->Keys.Secondary;
        return CryptoAead<TPlatform>.Install(ref slot, *request, options);
    }
}
