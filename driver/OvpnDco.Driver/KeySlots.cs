using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// The wire format of a key slot (driver-internal; the uapi only carries CRYPTO_OPTIONS_EPOCH, see
/// <c>Ioctl/KeyIoctls.cs</c>).
/// </summary>
public enum KeyFormat
{
    /// <summary>OpenVPN 2.6 / DCO: <c>[4 header][4 packet id][16 tag][ciphertext]</c>, nonce = packet id || nonce tail.</summary>
    Classic = 0,

    /// <summary>
    /// OpenVPN 2.7 epoch data keys: <c>[4 header][8 packet id = 16-bit epoch | 48-bit counter][ciphertext][16 tag]</c>,
    /// keys and implicit IVs derived per epoch (<see cref="EpochState"/>, <c>CryptoEpoch.cs</c>).
    /// </summary>
    Epoch = 1,
}

/// <summary>
/// One installed data-channel key: cipher, key id, encrypt/decrypt key objects (platform handles) and nonce tails,
/// the tx packet id and the rx replay window. An epoch slot keeps all of that per epoch in its
/// <see cref="Epoch"/> state instead (the classic fields stay zero).
/// </summary>
public unsafe struct KeySlot
{
    public int InUse;
    public int KeyId;
    public OvpnCipherAlg Alg;
    public KeyFormat Format;

    /// <summary>Peer id written into tx headers (NEW_KEY's PeerId; P2P).</summary>
    public int TxPeerId;
    public nint EncryptKey;
    public nint DecryptKey;
    public fixed byte EncryptNonceTail[8];
    public fixed byte DecryptNonceTail[8];

    private fixed long _readOnlyPadding[8];

    /// <summary>
    /// The last packet id handed out (0 = none yet; the next is TxPacketId + 1), advanced atomically by concurrent
    /// senders. Classic format.
    /// </summary>
    public ulong TxPacketId;

    // Tx advances TxPacketId on every packet; rx reads the fields above and updates the window under the slot lock.
    // The counter sits alone on its cache line (64 bytes of padding before it, 120 after) so neither makes the other
    // reload a line.
    private fixed long _txPadding[15];

    /// <summary>Set once user space was told that this key ran out of packet ids.</summary>
    public int ExhaustionNotified;

    /// <summary><see cref="SlotLock"/> word: guards <see cref="Replay"/> (classic) or <see cref="Epoch"/> (epoch format).</summary>
    public int Lock;
    public ReplayWindow Replay;

    /// <summary>
    /// <see cref="KeyFormat.Epoch"/>: the epoch keys, allocated when the key is installed and freed (zeroed) with the
    /// slot by <c>CryptoAead.Destroy</c>; null otherwise. The slot is its only owner (OVD0015).
    /// </summary>
    public EpochState* Epoch;

    /// <summary>Packet id bytes on the wire.</summary>
    public readonly int PacketIdLength => Format == KeyFormat.Epoch ? Proto.EpochPacketIdSize : Proto.PacketIdSize;

    /// <summary>Per-packet overhead on the wire (header + packet id + tag).</summary>
    public readonly int Overhead => Proto.HeaderSize + PacketIdLength + (Alg == OvpnCipherAlg.None ? 0 : Proto.TagSize);
}

/// <summary>The two key slots of a peer. Tx uses <see cref="Primary"/>; rx picks the slot whose key id matches.</summary>
public struct KeySlots
{
    public KeySlot Primary;
    public KeySlot Secondary;
}
