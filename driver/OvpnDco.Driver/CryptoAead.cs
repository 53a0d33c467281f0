using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Why a seal or open failed (negative results of <see cref="CryptoAead{TPlatform}"/>).</summary>
public enum CryptoError
{
    /// <summary>No key in the slot.</summary>
    NoKey = -1,

    /// <summary>Tx packet ids exhausted: refuse and rekey.</summary>
    PacketIdExhausted = -2,

    /// <summary>Packet shorter than header + packet id (+ tag).</summary>
    Truncated = -3,

    /// <summary>Tag did not verify.</summary>
    AuthFailed = -4,

    /// <summary>Output buffer too small.</summary>
    TooLarge = -5,
}

/// <summary>
/// DATA_V2 AEAD framing of the classic format: <c>[4 header][4 packet id BE][16 tag][ciphertext]</c>; AAD = header +
/// packet id; nonce = packet id as on the wire || the direction's 8-byte nonce tail. Cipher NONE: header + packet id +
/// plaintext. Epoch-format slots are handed to <see cref="CryptoEpoch{TPlatform}"/>. Also key installation and zeroing.
/// </summary>
public static unsafe class CryptoAead<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>True when <paramref name="data"/> names a slot, cipher and key lengths the driver accepts.</summary>
    public static bool IsValid(in OvpnCryptoData data)
    {
        if (data.KeySlot != OvpnKeySlot.Primary && data.KeySlot != OvpnKeySlot.Secondary)
            return false;
        if (data.CipherAlg == OvpnCipherAlg.None)
            return true;
        if (data.CipherAlg != OvpnCipherAlg.AesGcm && data.CipherAlg != OvpnCipherAlg.ChaCha20Poly1305)
            return false;
        if (!UapiLimits.IsValidKeyLength(data.Encrypt.KeyLen) || !UapiLimits.IsValidKeyLength(data.Decrypt.KeyLen))
            return false;
        if (data.CipherAlg == OvpnCipherAlg.ChaCha20Poly1305 && (data.Encrypt.KeyLen != 32 || data.Decrypt.KeyLen != 32))
            return false;
        return true;
    }

    /// <summary>
    /// Installs <paramref name="data"/> into <paramref name="slot"/> with fresh packet-id state (old key zeroed).
    /// <see cref="KeyFormat.Epoch"/>: Key[] holds each direction's 32-byte epoch key E1 and KeyLen the data key size;
    /// the epoch state is made first, so a failure leaves the slot as it was.
    /// </summary>
    public static NtStatus Install(ref KeySlot slot, in OvpnCryptoData data, KeyFormat format)
    {
        nint enc = 0;
        nint dec = 0;
        EpochState* epoch = null;
        if (format == KeyFormat.Epoch)
        {
            epoch = CryptoEpoch<TPlatform>.Create(data, out var status);
            if (epoch == null)
                return status;
        }
        else if (data.CipherAlg != OvpnCipherAlg.None)
        {
            fixed (OvpnCryptoData* d = &data)
            {
                var status = TPlatform.AeadKeyCreate(data.CipherAlg, new ReadOnlySpan<byte>(d->Encrypt.Key, d->Encrypt.KeyLen), out enc);
                if (!status.IsSuccess())
                    return status;
                status = TPlatform.AeadKeyCreate(data.CipherAlg, new ReadOnlySpan<byte>(d->Decrypt.Key, d->Decrypt.KeyLen), out dec);
                if (!status.IsSuccess())
                {
                    TPlatform.AeadKeyDestroy(enc);
                    return status;
                }
            }
        }
        Destroy(ref slot);
        slot.InUse = 1;
        slot.KeyId = data.KeyId & Proto.KeyIdMask;
        slot.Alg = data.CipherAlg;
        slot.Format = format;
        slot.TxPeerId = data.PeerId;
        slot.EncryptKey = enc;
        slot.DecryptKey = dec;
        slot.Epoch = epoch;
        if (format == KeyFormat.Epoch)
            return NtStatus.Success;
        fixed (OvpnCryptoData* d = &data)
        {
            for (int i = 0; i < Proto.NonceTailSize; i++)
            {
                slot.EncryptNonceTail[i] = d->Encrypt.NonceTail[i];
                slot.DecryptNonceTail[i] = d->Decrypt.NonceTail[i];
            }
        }
        return NtStatus.Success;
    }

    /// <summary>Destroys the key objects and zeroes the slot (key material, nonce tails, counters).</summary>
    public static void Destroy(ref KeySlot slot)
    {
        if (slot.EncryptKey != 0)
            TPlatform.AeadKeyDestroy(slot.EncryptKey);
        if (slot.DecryptKey != 0)
            TPlatform.AeadKeyDestroy(slot.DecryptKey);
        CryptoEpoch<TPlatform>.Destroy(slot.Epoch);
        CryptographicOperations.ZeroMemory(new Span<byte>(Unsafe.AsPointer(ref slot), sizeof(KeySlot)));
    }

    /// <summary>The 12-byte AEAD nonce: the packet id as on the wire (4 bytes), then the key's 8-byte tail; two moves.</summary>
    private static void MakeNonce(Span<byte> nonce, ReadOnlySpan<byte> packetId, byte* tail)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, BinaryPrimitives.ReadUInt32LittleEndian(packetId));
        BinaryPrimitives.WriteUInt64LittleEndian(nonce.Slice(Proto.PacketIdSize),
            BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(tail, Proto.NonceTailSize)));
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="output"/> with the next packet id of
    /// <paramref name="slot"/>. Returns the packet length, or a negative <see cref="CryptoError"/>. Safe on several
    /// CPUs at once (the caller holds the device lock shared): a classic slot hands out packet ids atomically and
    /// seals without a lock; an epoch slot seals under its <see cref="KeySlot.Lock"/>.
    /// </summary>
    [SkipLocalsInit] // the nonce is written whole before use: no zeroing per packet
    public static int Seal(ref KeySlot slot, int peerId, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        if (slot.InUse == 0)
            return (int)CryptoError.NoKey;
        if (slot.Format == KeyFormat.Epoch)
        {
            SlotLock.Enter(ref slot.Lock);
            int sealedLength = CryptoEpoch<TPlatform>.Seal(ref slot, peerId, plaintext, output);
            SlotLock.Exit(ref slot.Lock);
            return sealedLength;
        }
        const int aadLen = Proto.HeaderSize + Proto.PacketIdSize;
        if (slot.Alg == OvpnCipherAlg.None)
        {
            if (plaintext.Length > output.Length - aadLen)
                return (int)CryptoError.TooLarge;
            if (!NextPacketId(ref slot, peerId, output))
                return (int)CryptoError.PacketIdExhausted;
            plaintext.CopyTo(output.Slice(aadLen));
            return aadLen + plaintext.Length;
        }
        // A constant overhead here (not one shared with NONE): the C compiler then proves every slice below in bounds.
        const int overhead = aadLen + Proto.TagSize;
        if (plaintext.Length > output.Length - overhead)
            return (int)CryptoError.TooLarge;
        if (!NextPacketId(ref slot, peerId, output))
            return (int)CryptoError.PacketIdExhausted;
        Span<byte> nonce = stackalloc byte[Proto.NonceSize];
        fixed (byte* tail = slot.EncryptNonceTail)
            MakeNonce(nonce, output.Slice(Proto.HeaderSize, Proto.PacketIdSize), tail);
        if (!TPlatform.AeadSeal(slot.EncryptKey, nonce, output.Slice(0, aadLen), plaintext,
                output.Slice(overhead, plaintext.Length), output.Slice(aadLen, Proto.TagSize)))
            return (int)CryptoError.AuthFailed;
        return overhead + plaintext.Length;
    }

    /// <summary>
    /// Takes the slot's next packet id and writes the header and the id into <paramref name="output"/>; false when the
    /// key is out of ids. One atomic increment per packet: concurrent senders never share an id (the AEAD nonce). Past
    /// the limit the counter keeps rising harmlessly; every such packet is refused.
    /// </summary>
    private static bool NextPacketId(ref KeySlot slot, int peerId, Span<byte> output)
    {
        ulong pid = Interlocked.Increment(ref slot.TxPacketId);
        if (pid >= Proto.PacketIdLimit32)
            return false;
        BinaryPrimitives.WriteUInt32BigEndian(output, Proto.MakeHeader(slot.KeyId, peerId));
        BinaryPrimitives.WriteUInt32BigEndian(output.Slice(Proto.HeaderSize), (uint)pid);
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts <paramref name="packet"/> (a whole DATA_V2 packet) into <paramref name="plaintext"/>.
    /// Returns the plaintext length and the packet id, or a negative <see cref="CryptoError"/>. No replay check here.
    /// </summary>
    [SkipLocalsInit] // the nonce is written whole before use: no zeroing per packet
    public static int Open(ref KeySlot slot, ReadOnlySpan<byte> packet, Span<byte> plaintext, out ulong packetId)
    {
        packetId = 0;
        if (slot.InUse == 0)
            return (int)CryptoError.NoKey;
        if (slot.Format == KeyFormat.Epoch)
            return CryptoEpoch<TPlatform>.Open(ref slot, packet, plaintext, out packetId);
        const int aadLen = Proto.HeaderSize + Proto.PacketIdSize;
        if (slot.Alg == OvpnCipherAlg.None)
        {
            if (packet.Length < aadLen)
                return (int)CryptoError.Truncated;
            if (packet.Length - aadLen > plaintext.Length)
                return (int)CryptoError.TooLarge;
            packetId = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(Proto.HeaderSize));
            packet.Slice(aadLen).CopyTo(plaintext);
            return packet.Length - aadLen;
        }
        // A constant minimum here (not one shared with NONE): the C compiler then proves every slice below in bounds.
        const int minimum = aadLen + Proto.TagSize;
        if (packet.Length < minimum)
            return (int)CryptoError.Truncated;
        int length = packet.Length - minimum;
        if (length > plaintext.Length)
            return (int)CryptoError.TooLarge;
        packetId = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(Proto.HeaderSize));
        Span<byte> nonce = stackalloc byte[Proto.NonceSize];
        fixed (byte* tail = slot.DecryptNonceTail)
            MakeNonce(nonce, packet.Slice(Proto.HeaderSize, Proto.PacketIdSize), tail);
        if (!TPlatform.AeadOpen(slot.DecryptKey, nonce, packet.Slice(0, aadLen), packet.Slice(minimum, length),
                packet.Slice(aadLen, Proto.TagSize), plaintext.Slice(0, length)))
            return (int)CryptoError.AuthFailed;
        return length;
    }

    /// <summary>
    /// Rx on several CPUs at once: <see cref="Open"/> then the replay check, as one step. A classic slot opens without
    /// a lock and updates its window under <see cref="KeySlot.Lock"/>; an epoch slot does both under it (a packet of
    /// a new epoch moves the receive keys, and the send keys follow). Returns what <see cref="Open"/> returns;
    /// <paramref name="replay"/> is meaningful only for a non-negative result.
    /// </summary>
    public static int OpenAndCheck(ref KeySlot slot, ReadOnlySpan<byte> packet, Span<byte> plaintext, long nowMs, out ReplayResult replay)
    {
        replay = ReplayResult.Accepted;
        ulong packetId;
        int n;
        if (slot.Format == KeyFormat.Epoch)
        {
            SlotLock.Enter(ref slot.Lock);
            n = CryptoEpoch<TPlatform>.Open(ref slot, packet, plaintext, out packetId);
            if (n >= 0)
                replay = CryptoEpoch<TPlatform>.Replay(ref slot, packetId, nowMs);
            SlotLock.Exit(ref slot.Lock);
            return n;
        }
        n = Open(ref slot, packet, plaintext, out packetId);
        if (n < 0)
            return n;
        SlotLock.Enter(ref slot.Lock);
        replay = slot.Replay.Update(packetId, nowMs);
        SlotLock.Exit(ref slot.Lock);
        return n;
    }

    /// <summary>
    /// The replay check of the packet <see cref="Open"/> just authenticated: the slot's window, or for an epoch slot
    /// the window of the packet's epoch (a future epoch becomes the current one first).
    /// </summary>
    public static ReplayResult Replay(ref KeySlot slot, ulong packetId, long nowMs)
        => slot.Format == KeyFormat.Epoch
            ? CryptoEpoch<TPlatform>.Replay(ref slot, packetId, nowMs)
            : slot.Replay.Update(packetId, nowMs);
}
