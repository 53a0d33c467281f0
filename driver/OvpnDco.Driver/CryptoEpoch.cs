using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>One derived epoch data key: the AEAD key object, its 12-byte implicit IV and usage.</summary>
public unsafe struct EpochDataKey
{
    /// <summary>Platform key object (0 = none: empty, or its derivation failed).</summary>
    public nint Handle;

    /// <summary>16-byte blocks protected with this key (OpenVPN key_ctx.plaintext_blocks, for the usage limit).</summary>
    public ulong PlaintextBlocks;

    /// <summary>The epoch this key belongs to (0 = empty; epochs start at 1).</summary>
    public ushort Epoch;
    public fixed byte ImplicitIv[12];
}

/// <summary>
/// The epoch keys of one key slot (OpenVPN crypto_options' epoch fields): the send epoch key and its data key, the
/// current and retiring receive data keys with a replay window each, <see cref="CryptoEpoch{TPlatform}.FutureKeyCount"/>
/// future receive data keys and the highest receive epoch key derived so far. Allocated from the platform when an
/// epoch key is installed; only its <see cref="KeySlot"/> points at it.
/// </summary>
[OwnedBy(typeof(KeySlot))]
public unsafe struct EpochState
{
    public OvpnCipherAlg Alg;

    /// <summary>Data key size (the cipher's: 16/24/32 for AES-GCM, 32 for ChaCha20-Poly1305).</summary>
    public int KeySize;

    /// <summary>AEAD usage limit q + s of the cipher (0 = none: ChaCha20-Poly1305).</summary>
    public ulong UsageLimit;

    /// <summary>E_n of the send direction (n = <see cref="SendEpoch"/>) and the data key derived from it.</summary>
    public fixed byte SendEpochKey[32];
    public ushort SendEpoch;
    public EpochDataKey Send;

    /// <summary>Last per-epoch counter sent with <see cref="Send"/> (0 = none; the next is SendCounter + 1).</summary>
    public ulong SendCounter;

    /// <summary>The highest receive epoch key derived so far (the last future key's).</summary>
    public fixed byte RecvEpochKey[32];
    public ushort RecvEpoch;

    /// <summary>The current receive data key and its replay window.</summary>
    public EpochDataKey Recv;
    public ReplayWindow RecvReplay;

    /// <summary>The receive data key before the peer moved to <see cref="Recv"/>'s epoch (epoch 0 = none).</summary>
    public EpochDataKey Retiring;
    public ReplayWindow RetiringReplay;

    /// <summary>Future receive data keys: Future0 has epoch Recv.Epoch + 1, and so on.</summary>
    public EpochDataKey Future0;
    public EpochDataKey Future1;
    public EpochDataKey Future2;
    public EpochDataKey Future3;

    /// <summary>Epoch and block count of the packet <c>Open</c> authenticated last (consumed by the replay step).</summary>
    public ushort OpenedEpoch;
    public ulong OpenedBlocks;
}

/// <summary>
/// OpenVPN 2.7 epoch data keys (OpenVPN crypto_epoch.c, crypto.c openvpn_encrypt_aead/openvpn_decrypt_aead,
/// packet_id.c; driver behaviour as upstream ovpn-dco-win crypto_epoch.cpp):
/// <code>
/// [4 header][8 packet id: 16-bit epoch | 48-bit counter, BE][ciphertext][16 tag]
/// AAD   = header + packet id
/// nonce = (packet id || 4 zero bytes) XOR implicit IV of that epoch
/// E(n+1) = ExpandLabel(E(n), "datakey upd", 32); key = ExpandLabel(E, "data_key", keysize); IV = ExpandLabel(E, "data_iv", 12)
/// ExpandLabel(secret, label, L) = HKDF-Expand-SHA256(secret, u16 L || u8 len || "ovpn " + label || u8 0, L)
/// </code>
/// E1 of each direction comes from NEW_KEY_V2 (the 32 bytes of Key[]). Data keys are derived and their key objects
/// created when an epoch is reached, never per packet.
/// </summary>
public static unsafe class CryptoEpoch<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>Future receive keys kept ahead of the current one (OpenVPN ssl.c init_epoch_keys future_key_count; upstream FUTURE_EPOCH_KEYS_COUNT).</summary>
    public const int FutureKeyCount = 4;

    /// <summary>Epoch key size (SHA-256 output; OpenVPN struct epoch_key).</summary>
    public const int EpochKeySize = 32;

    public const int ImplicitIvSize = 12;

    /// <summary>
    /// AES-GCM usage limit q + s ≤ 2^36 − 1 (q packets, s 16-byte blocks; OpenVPN crypto.c cipher_get_aead_limits).
    /// ChaCha20-Poly1305 has none (0).
    /// </summary>
    public const ulong AesGcmUsageLimit = (1ul << 36) - 1;

    /// <summary>Block size of the usage count (OpenVPN AEAD_LIMIT_BLOCKSIZE).</summary>
    public const int LimitBlockSize = 16;

    private static ReadOnlySpan<byte> LabelPrefix => new byte[] { (byte)'o', (byte)'v', (byte)'p', (byte)'n', (byte)' ' };

    private static ReadOnlySpan<byte> LabelDataKey => new byte[] { (byte)'d', (byte)'a', (byte)'t', (byte)'a', (byte)'_', (byte)'k', (byte)'e', (byte)'y' };

    private static ReadOnlySpan<byte> LabelDataIv => new byte[] { (byte)'d', (byte)'a', (byte)'t', (byte)'a', (byte)'_', (byte)'i', (byte)'v' };

    private static ReadOnlySpan<byte> LabelUpdate => new byte[]
    {
        (byte)'d', (byte)'a', (byte)'t', (byte)'a', (byte)'k', (byte)'e', (byte)'y', (byte)' ', (byte)'u', (byte)'p', (byte)'d',
    };

    /// <summary>
    /// OpenVPN's <c>ovpn_expand_label</c> with an empty context: HKDF-Expand-SHA256 of the 32-byte
    /// <paramref name="secret"/> with info = u16 BE output length || u8 (5 + label length) || "ovpn " || label || u8 0.
    /// </summary>
    public static NtStatus ExpandLabel(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, Span<byte> output)
    {
        if (secret.Length != EpochKeySize || label.Length < 1 || label.Length > 250 || output.Length > 0xFFFF)
            return NtStatus.InvalidParameter;
        Span<byte> info = stackalloc byte[2 + 1 + 5 + 250 + 1];
        int n = 0;
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        n += 2;
        info[n++] = (byte)(LabelPrefix.Length + label.Length);
        LabelPrefix.CopyTo(info.Slice(n));
        n += LabelPrefix.Length;
        label.CopyTo(info.Slice(n));
        n += label.Length;
        info[n++] = 0;
        return TPlatform.HkdfExpandSha256(secret, info.Slice(0, n), output);
    }

    /// <summary>The usage limit of <paramref name="alg"/> (OpenVPN cipher_get_aead_limits).</summary>
    public static ulong UsageLimitOf(OvpnCipherAlg alg) => alg == OvpnCipherAlg.AesGcm ? AesGcmUsageLimit : 0;

    /// <summary>OpenVPN aead_usage_limit_reached: limit &gt; 0 and blocks + highest packet id &gt; limit.</summary>
    public static bool UsageLimitReached(ulong limit, ulong blocks, ulong highestId) => limit > 0 && blocks + highestId > limit;

    private static ulong Blocks(int bytes) => ((ulong)bytes + LimitBlockSize - 1) / LimitBlockSize;

    private static Span<EpochDataKey> Future(EpochState* e) => new Span<EpochDataKey>(&e->Future0, FutureKeyCount);

    /// <summary>Destroys the key object of <paramref name="key"/> and zeroes it.</summary>
    private static void DestroyKey(ref EpochDataKey key)
    {
        if (key.Handle != 0)
            TPlatform.AeadKeyDestroy(key.Handle);
        CryptographicOperations.ZeroMemory(new Span<byte>(Unsafe.AsPointer(ref key), sizeof(EpochDataKey)));
    }

    /// <summary>
    /// OpenVPN epoch_data_key_derive: data key = ExpandLabel(E, "data_key", key size) into a new key object,
    /// implicit IV = ExpandLabel(E, "data_iv", 12). <paramref name="key"/> must be empty; on failure it stays empty.
    /// </summary>
    private static NtStatus DeriveDataKey(EpochState* e, byte* epochKey, ushort epoch, ref EpochDataKey key)
    {
        var secret = new ReadOnlySpan<byte>(epochKey, EpochKeySize);
        Span<byte> material = stackalloc byte[EpochKeySize];
        Span<byte> iv = stackalloc byte[ImplicitIvSize];
        nint handle = 0;
        var status = ExpandLabel(secret, LabelDataKey, material.Slice(0, e->KeySize));
        if (status.IsSuccess())
            status = ExpandLabel(secret, LabelDataIv, iv);
        if (status.IsSuccess())
            status = TPlatform.AeadKeyCreate(e->Alg, material.Slice(0, e->KeySize), out handle);
        if (status.IsSuccess())
        {
            key.Handle = handle;
            key.PlaintextBlocks = 0;
            key.Epoch = epoch;
            for (int i = 0; i < ImplicitIvSize; i++)
                key.ImplicitIv[i] = iv[i];
        }
        CryptographicOperations.ZeroMemory(material);
        CryptographicOperations.ZeroMemory(iv);
        return status;
    }

    /// <summary>OpenVPN epoch_key_iterate: E(n+1) = ExpandLabel(E(n), "datakey upd", 32), epoch + 1.</summary>
    private static NtStatus Iterate(byte* epochKey, ref ushort epoch)
    {
        if (epoch == ushort.MaxValue)
            return NtStatus.IntegerOverflow;
        Span<byte> next = stackalloc byte[EpochKeySize];
        var status = ExpandLabel(new ReadOnlySpan<byte>(epochKey, EpochKeySize), LabelUpdate, next);
        if (status.IsSuccess())
        {
            next.CopyTo(new Span<byte>(epochKey, EpochKeySize));
            epoch++;
        }
        CryptographicOperations.ZeroMemory(next);
        return status;
    }

    /// <summary>
    /// Creates the epoch state of a NEW_KEY_V2 request (OpenVPN epoch_init_key_ctx): E1 of each direction from the
    /// first 32 bytes of Key[], send and receive data keys of epoch 1, future receive keys 2..1+<see cref="FutureKeyCount"/>.
    /// Returns null with a status when anything fails (nothing stays allocated or unzeroed).
    /// </summary>
    public static EpochState* Create(in OvpnCryptoData data, out NtStatus status)
    {
        var e = (EpochState*)TPlatform.Alloc((nuint)sizeof(EpochState), Proto.TagEpoch);
        if (e == null)
        {
            status = NtStatus.InsufficientResources;
            return null;
        }
        e->Alg = data.CipherAlg;
        e->KeySize = data.Encrypt.KeyLen;
        e->UsageLimit = UsageLimitOf(data.CipherAlg);
        fixed (OvpnCryptoData* d = &data)
        {
            for (int i = 0; i < EpochKeySize; i++)
            {
                e->SendEpochKey[i] = d->Encrypt.Key[i];
                e->RecvEpochKey[i] = d->Decrypt.Key[i];
            }
        }
        e->SendEpoch = 1;
        e->RecvEpoch = 1;
        status = DeriveDataKey(e, e->SendEpochKey, 1, ref e->Send);
        if (status.IsSuccess())
            status = DeriveDataKey(e, e->RecvEpochKey, 1, ref e->Recv);
        if (status.IsSuccess())
            GenerateFutureKeys(e);
        if (!status.IsSuccess())
        {
            Destroy(e);
            return null;
        }
        return e;
    }

    /// <summary>Destroys every key object of <paramref name="e"/>, zeroes it (epoch keys included) and frees it.</summary>
    public static void Destroy(EpochState* e)
    {
        if (e == null)
            return;
        DestroyKey(ref e->Send);
        DestroyKey(ref e->Recv);
        DestroyKey(ref e->Retiring);
        var future = Future(e);
        for (int i = 0; i < FutureKeyCount; i++)
            DestroyKey(ref future[i]);
        CryptographicOperations.ZeroMemory(new Span<byte>(e, sizeof(EpochState)));
        TPlatform.Free(e, Proto.TagEpoch);
    }

    /// <summary>
    /// OpenVPN epoch_generate_future_receive_keys: drops future keys at or below the current receive epoch, moves the
    /// rest to their places (Future0 = current + 1, ...) and derives the missing ones up to current +
    /// <see cref="FutureKeyCount"/>. A derivation that fails stops there without advancing the highest receive epoch
    /// key, so the next call (at the next epoch change, or when a packet names a missing future epoch) tries again.
    /// </summary>
    public static void GenerateFutureKeys(EpochState* e)
    {
        var future = Future(e);
        int current = e->Recv.Epoch;
        for (int i = 0; i < FutureKeyCount; i++)
        {
            int epoch = future[i].Epoch;
            if (epoch == 0)
                continue;
            int target = epoch - current - 1;
            if (target < 0 || target >= FutureKeyCount || (target != i && future[target].Epoch != 0))
            {
                DestroyKey(ref future[i]);
                continue;
            }
            if (target != i)
            {
                future[target] = future[i];
                CryptographicOperations.ZeroMemory(new Span<byte>(Unsafe.AsPointer(ref future[i]), sizeof(EpochDataKey)));
            }
        }
        Span<byte> next = stackalloc byte[EpochKeySize];
        fixed (byte* nextKey = next)
        {
            while (e->RecvEpoch < current + FutureKeyCount)
            {
                new ReadOnlySpan<byte>(e->RecvEpochKey, EpochKeySize).CopyTo(next);
                ushort epoch = e->RecvEpoch;
                if (!Iterate(nextKey, ref epoch).IsSuccess())
                    break;
                int target = epoch - current - 1;
                if (target >= 0)
                {
                    DestroyKey(ref future[target]);
                    if (!DeriveDataKey(e, nextKey, epoch, ref future[target]).IsSuccess())
                        break;
                }
                next.CopyTo(new Span<byte>(e->RecvEpochKey, EpochKeySize));
                e->RecvEpoch = epoch;
            }
        }
        CryptographicOperations.ZeroMemory(next);
    }

    /// <summary>
    /// OpenVPN epoch_lookup_decrypt_key: the current key, the retiring key, or a future key within
    /// <see cref="FutureKeyCount"/> (not past 0xFFFF − FutureKeyCount − 1). Null when none (or its derivation failed).
    /// </summary>
    public static EpochDataKey* Lookup(EpochState* e, ushort epoch)
    {
        EpochDataKey* key = null;
        if (epoch == 0)
            return null;
        if (e->Recv.Epoch == epoch)
            key = &e->Recv;
        else if (e->Retiring.Epoch != 0 && e->Retiring.Epoch == epoch)
            key = &e->Retiring;
        else if (epoch > e->Recv.Epoch && epoch <= e->Recv.Epoch + FutureKeyCount && epoch <= ushort.MaxValue - FutureKeyCount - 1)
        {
            key = (EpochDataKey*)Unsafe.AsPointer(ref Future(e)[epoch - e->Recv.Epoch - 1]);
            if (key->Epoch != epoch)
                key = null;
        }
        return key != null && key->Handle != 0 ? key : null;
    }

    /// <summary>
    /// Moves the send key to the next epoch (OpenVPN epoch_iterate_send_key), or up to <paramref name="epoch"/>:
    /// the new epoch key and data key are made first, so a failure leaves the old ones in place. Counter restarts.
    /// </summary>
    private static NtStatus MoveSendKey(EpochState* e, ushort epoch)
    {
        byte* next = stackalloc byte[EpochKeySize];
        var nextKey = new Span<byte>(next, EpochKeySize);
        new ReadOnlySpan<byte>(e->SendEpochKey, EpochKeySize).CopyTo(nextKey);
        ushort nextEpoch = e->SendEpoch;
        var status = NtStatus.Success;
        while (status.IsSuccess() && nextEpoch < epoch)
            status = Iterate(next, ref nextEpoch);
        EpochDataKey fresh = default;
        if (status.IsSuccess())
            status = DeriveDataKey(e, next, nextEpoch, ref fresh);
        if (status.IsSuccess())
        {
            DestroyKey(ref e->Send);
            e->Send = fresh;
            nextKey.CopyTo(new Span<byte>(e->SendEpochKey, EpochKeySize));
            e->SendEpoch = nextEpoch;
            e->SendCounter = 0;
        }
        CryptographicOperations.ZeroMemory(nextKey);
        CryptographicOperations.ZeroMemory(new Span<byte>(&fresh, sizeof(EpochDataKey)));
        return status;
    }

    /// <summary>
    /// OpenVPN epoch_replace_update_recv_key: the peer sent with future epoch <paramref name="epoch"/> (authenticated).
    /// The current receive key and its replay window become the retiring ones (the previous retiring key is
    /// destroyed), the future key becomes current with a fresh window, future keys are refilled, and the send key
    /// follows when it is behind.
    /// </summary>
    public static void ReplaceRecvKey(EpochState* e, ushort epoch)
    {
        EpochDataKey* next = Lookup(e, epoch);
        if (next == null || next == &e->Recv || next == &e->Retiring)
            return;
        TPlatform.Trace(TraceLevel.Info, "epoch: peer moved to a new receive epoch", e->Recv.Epoch, epoch);
        if (e->Send.Epoch < epoch)
            MoveSendKey(e, epoch);
        DestroyKey(ref e->Retiring);
        e->Retiring = e->Recv;
        e->RetiringReplay = e->RecvReplay;
        e->RecvReplay.Reset();
        e->Recv = *next;
        CryptographicOperations.ZeroMemory(new Span<byte>(next, sizeof(EpochDataKey)));
        GenerateFutureKeys(e);
    }

    /// <summary>
    /// OpenVPN epoch_check_send_iterate: before a send, move to the next epoch when the send key reached the usage
    /// limit, when the peer's key reached it with both on the same epoch (push the peer on), or when the counter is
    /// at its maximum. The last epoch (0xFFFF) never moves. False when a due move failed (the key could not be derived):
    /// the packet is refused rather than sent past the limit, and the next one tries again.
    /// </summary>
    private static bool CheckSendIterate(EpochState* e)
    {
        if (e->SendEpoch == ushort.MaxValue)
            return true;
        bool move = e->SendCounter >= Proto.EpochCounterMax;
        if (UsageLimitReached(e->UsageLimit, e->Send.PlaintextBlocks, e->SendCounter))
            move = true;
        else if (e->Send.Epoch == e->Recv.Epoch && UsageLimitReached(e->UsageLimit, e->Recv.PlaintextBlocks, e->RecvReplay.Highest))
            move = true;
        if (!move)
            return true;
        ushort from = e->SendEpoch;
        if (!MoveSendKey(e, (ushort)(from + 1)).IsSuccess())
            return false;
        TPlatform.Trace(TraceLevel.Info, "epoch: send key moved to the next epoch", from, e->SendEpoch);
        return true;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> as an epoch-format DATA_V2 packet. Returns the packet length or a negative
    /// <see cref="CryptoError"/>; <see cref="CryptoError.PacketIdExhausted"/> (nothing sent) when the last epoch's
    /// counter is used up.
    /// </summary>
    [SkipLocalsInit] // the nonce is written whole before use: no zeroing per packet
    public static int Seal(ref KeySlot slot, int peerId, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        EpochState* e = slot.Epoch;
        const int aadLen = Proto.HeaderSize + Proto.EpochPacketIdSize;
        int total = aadLen + plaintext.Length + Proto.TagSize;
        if (total > output.Length)
            return (int)CryptoError.TooLarge;
        if (!CheckSendIterate(e))
            return (int)CryptoError.NoKey;
        if (e->SendCounter >= Proto.EpochCounterMax)
            return (int)CryptoError.PacketIdExhausted;
        if (e->Send.Handle == 0)
            return (int)CryptoError.NoKey;
        ulong counter = e->SendCounter + 1;
        e->SendCounter = counter;
        ulong pid = ((ulong)e->Send.Epoch << 48) | counter;
        BinaryPrimitives.WriteUInt32BigEndian(output, Proto.MakeHeader(slot.KeyId, peerId));
        BinaryPrimitives.WriteUInt64BigEndian(output.Slice(Proto.HeaderSize), pid);
        Span<byte> nonce = stackalloc byte[Proto.NonceSize];
        MakeNonce(nonce, output.Slice(Proto.HeaderSize, Proto.EpochPacketIdSize), ref e->Send);
        if (!TPlatform.AeadSeal(e->Send.Handle, nonce, output.Slice(0, aadLen), plaintext,
                output.Slice(aadLen, plaintext.Length), output.Slice(aadLen + plaintext.Length, Proto.TagSize)))
            return (int)CryptoError.AuthFailed;
        // OpenVPN counts header + packet id + ciphertext (the work buffer) in blocks.
        e->Send.PlaintextBlocks += Blocks(aadLen + plaintext.Length);
        return total;
    }

    /// <summary>nonce = (the 8 packet-id bytes as on the wire || 4 zero bytes) XOR the epoch's implicit IV.</summary>
    private static void MakeNonce(Span<byte> nonce, ReadOnlySpan<byte> packetId, ref EpochDataKey key)
    {
        for (int i = 0; i < Proto.NonceSize; i++)
            nonce[i] = (byte)((i < Proto.EpochPacketIdSize ? packetId[i] : 0) ^ key.ImplicitIv[i]);
    }

    /// <summary>
    /// Authenticates and decrypts an epoch-format packet with the key of its epoch (current, retiring or future).
    /// Returns the plaintext length and the 48-bit counter, or a negative <see cref="CryptoError"/>
    /// (<see cref="CryptoError.NoKey"/> for an epoch without a key). The replay check (<see cref="Replay"/>) follows.
    /// </summary>
    [SkipLocalsInit] // the nonce is written whole before use: no zeroing per packet
    public static int Open(ref KeySlot slot, ReadOnlySpan<byte> packet, Span<byte> plaintext, out ulong counter)
    {
        counter = 0;
        EpochState* e = slot.Epoch;
        const int aadLen = Proto.HeaderSize + Proto.EpochPacketIdSize;
        // OpenVPN openvpn_decrypt_aead: packet id + tag + at least one byte.
        if (packet.Length < aadLen + Proto.TagSize + 1)
            return (int)CryptoError.Truncated;
        int length = packet.Length - aadLen - Proto.TagSize;
        if (length > plaintext.Length)
            return (int)CryptoError.TooLarge;
        ulong pid = BinaryPrimitives.ReadUInt64BigEndian(packet.Slice(Proto.HeaderSize));
        ushort epoch = (ushort)(pid >> 48);
        EpochDataKey* key = Lookup(e, epoch);
        if (key == null && epoch > e->RecvEpoch && epoch <= e->Recv.Epoch + FutureKeyCount)
        {
            // a future key whose derivation failed earlier: try again (bounded: at most FutureKeyCount keys)
            GenerateFutureKeys(e);
            key = Lookup(e, epoch);
        }
        if (key == null)
            return (int)CryptoError.NoKey;
        Span<byte> nonce = stackalloc byte[Proto.NonceSize];
        MakeNonce(nonce, packet.Slice(Proto.HeaderSize, Proto.EpochPacketIdSize), ref *key);
        if (!TPlatform.AeadOpen(key->Handle, nonce, packet.Slice(0, aadLen), packet.Slice(aadLen, length),
                packet.Slice(aadLen + length, Proto.TagSize), plaintext.Slice(0, length)))
            return (int)CryptoError.AuthFailed;
        counter = pid & Proto.EpochCounterMax;
        e->OpenedEpoch = epoch;
        e->OpenedBlocks = Blocks(length);
        return length;
    }

    /// <summary>
    /// OpenVPN crypto_check_replay for the packet <see cref="Open"/> authenticated last: the window of its epoch
    /// (current or retiring); a future epoch first becomes the current one (<see cref="ReplaceRecvKey"/>).
    /// </summary>
    public static ReplayResult Replay(ref KeySlot slot, ulong counter, long nowMs)
    {
        EpochState* e = slot.Epoch;
        ushort epoch = e->OpenedEpoch;
        e->OpenedEpoch = 0;
        ReplayResult result;
        if (epoch == 0)
            return ReplayResult.ZeroId;
        if (epoch == e->Recv.Epoch)
            result = e->RecvReplay.Update(counter, nowMs);
        else if (epoch == e->Retiring.Epoch)
            result = e->RetiringReplay.Update(counter, nowMs);
        else
        {
            ReplaceRecvKey(e, epoch);
            if (epoch != e->Recv.Epoch)
                return ReplayResult.TooOld;
            result = e->RecvReplay.Update(counter, nowMs);
        }
        if (result == ReplayResult.Accepted)
            e->Recv.PlaintextBlocks += e->OpenedBlocks;
        return result;
    }
}
