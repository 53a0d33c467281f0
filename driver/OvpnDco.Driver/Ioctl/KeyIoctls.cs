using System;
using System.Runtime.InteropServices;
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

    [Ioctl(OvpnIoctl.NewKey, Input = typeof(OvpnCryptoData), Modes = IoctlModes.Any)]
    private static NtStatus NewKey(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        var request = MemoryMarshal.Read<OvpnCryptoData>(input);
        var status = InstallKey(StatePtr(ref state), request, 0);
        CryptographicZero(ref request);
        return status;
    }

    [Ioctl(OvpnIoctl.NewKeyV2, Input = typeof(OvpnCryptoDataV2), Modes = IoctlModes.Any)]
    private static NtStatus NewKeyV2(ref DriverState state, ReadOnlySpan<byte> input, Span<byte> output, ref int bytesReturned)
    {
        var request = MemoryMarshal.Read<OvpnCryptoDataV2>(input);
        NtStatus status;
        if ((request.CryptoOptions & ~SupportedOptions) != 0)
            status = NtStatus.InvalidDeviceRequest;
        else
            status = InstallKey(StatePtr(ref state), request.V1, request.CryptoOptions);
        CryptographicZero(ref request.V1);
        return status;
    }

    private static void CryptographicZero(ref OvpnCryptoData data)
    {
        fixed (OvpnCryptoData* d = &data)
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(new Span<byte>(d, sizeof(OvpnCryptoData)));
    }

    private static NtStatus InstallKey(DriverState* s, in OvpnCryptoData request, OvpnCryptoOptions options)
    {
        if (!CryptoAead<TPlatform>.IsValid(request))
            return NtStatus.InvalidDeviceRequest;
        Peer* p = FindPeer(s, request.PeerId);
        if (p == null)
            return NtStatus.InvalidDeviceRequest;
        ref KeySlot slot = ref request.KeySlot == OvpnKeySlot.Primary ? ref p->Keys.Primary : ref p->Keys.Secondary;
        return CryptoAead<TPlatform>.Install(ref slot, request, options);
    }
}
