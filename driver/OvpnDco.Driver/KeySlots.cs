using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// One installed data-channel key: cipher, key id, encrypt/decrypt key objects (platform handles) and nonce tails,
/// the tx packet id and the rx replay window.
/// </summary>
public unsafe struct KeySlot
{
    public int InUse;
    public int KeyId;
    public OvpnCipherAlg Alg;
    public OvpnCryptoOptions Options;

    /// <summary>Peer id written into tx headers (NEW_KEY's PeerId; P2P).</summary>
    public int TxPeerId;
    public nint EncryptKey;
    public nint DecryptKey;
    public fixed byte EncryptNonceTail[8];
    public fixed byte DecryptNonceTail[8];

    /// <summary>The last packet id sent (0 = none yet; the next is TxPacketId + 1).</summary>
    public ulong TxPacketId;

    /// <summary>Set once user space was told that this key ran out of packet ids.</summary>
    public int ExhaustionNotified;
    public ReplayWindow Replay;

    public readonly bool TagAtEnd => (Options & OvpnCryptoOptions.AeadTagEnd) != 0;

    public readonly int PacketIdLength => (Options & OvpnCryptoOptions.PacketId64Bit) != 0 ? Proto.PacketIdSize64 : Proto.PacketIdSize;

    public readonly ulong PacketIdLimit => (Options & OvpnCryptoOptions.PacketId64Bit) != 0 ? Proto.PacketIdLimit64 : Proto.PacketIdLimit32;

    /// <summary>Per-packet overhead on the wire (header + packet id + tag).</summary>
    public readonly int Overhead => Proto.HeaderSize + PacketIdLength + (Alg == OvpnCipherAlg.None ? 0 : Proto.TagSize);
}

/// <summary>The two key slots of a peer. Tx uses <see cref="Primary"/>; rx picks the slot whose key id matches.</summary>
public struct KeySlots
{
    public KeySlot Primary;
    public KeySlot Secondary;
}
