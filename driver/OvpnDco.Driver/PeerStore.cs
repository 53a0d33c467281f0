using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// A generation-checked reference to a peer: the index of its slot in the <see cref="PeerStore"/> and the slot's
/// generation when the peer was stored. Deleting a peer bumps the generation, so every reference still held by a
/// route, a lookup table, the timer heap or the device resolves to null afterwards (fails closed) instead of pointing
/// at freed memory. <see cref="None"/> (generation 0) never resolves.
/// </summary>
public struct PeerRef
{
    public int Index;
    public uint Generation;

    public static PeerRef None => default;

    public readonly bool IsNone => Generation == 0;

    public readonly bool Same(PeerRef other) => Index == other.Index && Generation == other.Generation;
}

/// <summary>
/// One slot of the <see cref="PeerStore"/>: the peer (null when free), the generation of the current (or next)
/// occupant, the free-list link and the peer's position in the keepalive heap (index + 1, 0 = not queued).
/// </summary>
public unsafe struct PeerSlot
{
    public Peer* Peer;
    public uint Generation;
    public int NextFree;
    public int HeapPosition;
}

/// <summary>
/// The owner of every peer of a device: a growable array of slots with a free list. It is the only structure that
/// holds a <c>Peer*</c> across entry points (rule OVD0015); the tables, the routes, the timer heap and the P2P
/// peer of the device hold <see cref="PeerRef"/>s and resolve them with <see cref="PeerStoreOps{TPlatform}.Get"/>.
/// </summary>
public unsafe struct PeerStore
{
    public PeerSlot* Slots;
    public int Capacity;
    public int Count;

    /// <summary>First free slot, -1 when none.</summary>
    public int FreeHead;
}

/// <summary>Operations on <see cref="PeerStore"/> (slot memory through the platform, <see cref="Proto.TagTable"/>).</summary>
public static unsafe class PeerStoreOps<TPlatform>
    where TPlatform : IPlatform
{
    public static NtStatus Init(ref PeerStore store, int capacity)
    {
        store.Slots = null;
        store.Capacity = 0;
        store.Count = 0;
        store.FreeHead = -1;
        return Grow(ref store, capacity);
    }

    /// <summary>Frees the slot array (the peers themselves are freed by their owner before this).</summary>
    public static void Free(ref PeerStore store)
    {
        if (store.Slots != null)
            TPlatform.Free(store.Slots, Proto.TagTable);
        store.Slots = null;
        store.Capacity = 0;
        store.Count = 0;
        store.FreeHead = -1;
    }

    /// <summary>Adds <paramref name="capacity"/> - current slots (generation 1, all free), keeping the existing ones.</summary>
    private static NtStatus Grow(ref PeerStore store, int capacity)
    {
        var slots = (PeerSlot*)TPlatform.Alloc((nuint)(capacity * sizeof(PeerSlot)), Proto.TagTable);
        if (slots == null)
            return NtStatus.InsufficientResources;
        for (int i = 0; i < store.Capacity; i++)
            slots[i] = store.Slots[i];
        // New slots go on the free list in index order, in front of nothing (the list was empty when growing).
        for (int i = capacity - 1; i >= store.Capacity; i--)
        {
            slots[i].Generation = 1;
            slots[i].NextFree = store.FreeHead;
            store.FreeHead = i;
        }
        if (store.Slots != null)
            TPlatform.Free(store.Slots, Proto.TagTable);
        store.Slots = slots;
        store.Capacity = capacity;
        return NtStatus.Success;
    }

    /// <summary>Stores <paramref name="peer"/> in a free slot (growing the array when full) and returns its reference.</summary>
    public static NtStatus Insert(ref PeerStore store, Peer* peer, out PeerRef reference)
    {
        reference = PeerRef.None;
        if (store.FreeHead < 0)
        {
            var status = Grow(ref store, store.Capacity * 2);
            if (!status.IsSuccess())
                return status;
        }
        int index = store.FreeHead;
        PeerSlot* slot = store.Slots + index;
        store.FreeHead = slot->NextFree;
        slot->NextFree = -1;
        slot->Peer = peer;
        slot->HeapPosition = 0;
        store.Count++;
        reference.Index = index;
        reference.Generation = slot->Generation;
        return NtStatus.Success;
    }

    /// <summary>The peer <paramref name="reference"/> names, or null when it was deleted (or never existed).</summary>
    public static Peer* Get(ref PeerStore store, PeerRef reference)
    {
        if (reference.IsNone || (uint)reference.Index >= (uint)store.Capacity)
            return null;
        PeerSlot* slot = store.Slots + reference.Index;
        return slot->Generation == reference.Generation ? slot->Peer : null;
    }

    /// <summary>
    /// Frees the slot of <paramref name="reference"/>: the generation moves on (skipping 0), so every copy of the
    /// reference stops resolving. The caller frees the peer's memory.
    /// </summary>
    public static void Remove(ref PeerStore store, PeerRef reference)
    {
        if (Get(ref store, reference) == null)
            return;
        PeerSlot* slot = store.Slots + reference.Index;
        slot->Peer = null;
        slot->HeapPosition = 0;
        slot->Generation++;
        if (slot->Generation == 0)
            slot->Generation = 1;
        slot->NextFree = store.FreeHead;
        store.FreeHead = reference.Index;
        store.Count--;
    }

    /// <summary>The peer in slot <paramref name="index"/> (null when free), for walks over every peer.</summary>
    public static Peer* At(ref PeerStore store, int index) => store.Slots[index].Peer;
}
