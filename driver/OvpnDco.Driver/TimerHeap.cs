using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver;

/// <summary>One queued keepalive deadline: which peer (a reference, never a pointer) and when.</summary>
public struct TimerEntry
{
    public PeerRef Peer;
    public long Deadline;
}

/// <summary>
/// Binary min-heap of peers by keepalive deadline. A peer's position lives in its store slot
/// (<see cref="PeerSlot.HeapPosition"/> = index + 1, 0 = not queued), so moving an entry never touches the peer.
/// Entries are lazy: traffic moves a peer's real deadline later without touching the heap; when an entry comes due
/// the deadline is recomputed and the entry re-keyed. O(log n) per change, O(1) minimum.
/// </summary>
public unsafe struct TimerHeap
{
    public TimerEntry* Items;
    public int Count;
    public int Capacity;
}

public static unsafe class TimerHeapOps<TPlatform>
    where TPlatform : IPlatform
{
    public static void Free(ref TimerHeap h)
    {
        if (h.Items != null)
            TPlatform.Free(h.Items, Proto.TagTable);
        h.Items = null;
        h.Count = 0;
        h.Capacity = 0;
    }

    /// <summary>The earliest deadline, 0 when empty.</summary>
    public static long Min(ref TimerHeap h) => h.Count == 0 ? 0 : h.Items[0].Deadline;

    /// <summary>The peer with the earliest deadline (None when empty).</summary>
    public static PeerRef Top(ref TimerHeap h) => h.Count == 0 ? PeerRef.None : h.Items[0].Peer;

    private static void Put(ref TimerHeap h, ref PeerStore store, int i, TimerEntry e)
    {
        h.Items[i] = e;
        store.Slots[e.Peer.Index].HeapPosition = i + 1;
    }

    private static void SiftUp(ref TimerHeap h, ref PeerStore store, int i)
    {
        TimerEntry e = h.Items[i];
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (h.Items[parent].Deadline <= e.Deadline)
                break;
            Put(ref h, ref store, i, h.Items[parent]);
            i = parent;
        }
        Put(ref h, ref store, i, e);
    }

    private static void SiftDown(ref TimerHeap h, ref PeerStore store, int i)
    {
        TimerEntry e = h.Items[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= h.Count)
                break;
            if (child + 1 < h.Count && h.Items[child + 1].Deadline < h.Items[child].Deadline)
                child++;
            if (h.Items[child].Deadline >= e.Deadline)
                break;
            Put(ref h, ref store, i, h.Items[child]);
            i = child;
        }
        Put(ref h, ref store, i, e);
    }

    /// <summary>The heap position + 1 of <paramref name="peer"/>, 0 when not queued or when the reference is stale.</summary>
    private static int PositionOf(ref PeerStore store, PeerRef peer)
        => PeerStoreOps<TPlatform>.Get(ref store, peer) == null ? 0 : store.Slots[peer.Index].HeapPosition;

    /// <summary>Removes <paramref name="peer"/> if queued.</summary>
    public static void Remove(ref TimerHeap h, ref PeerStore store, PeerRef peer)
    {
        int position = PositionOf(ref store, peer);
        if (position == 0)
            return;
        store.Slots[peer.Index].HeapPosition = 0;
        RemoveAt(ref h, ref store, position - 1);
    }

    /// <summary>Drops the earliest entry whatever it names (for an entry whose peer no longer resolves).</summary>
    public static void PopMin(ref TimerHeap h, ref PeerStore store)
    {
        if (h.Count > 0)
            RemoveAt(ref h, ref store, 0);
    }

    private static void RemoveAt(ref TimerHeap h, ref PeerStore store, int i)
    {
        h.Count--;
        if (i == h.Count)
            return;
        TimerEntry moved = h.Items[h.Count];
        Put(ref h, ref store, i, moved);
        SiftUp(ref h, ref store, i);
        SiftDown(ref h, ref store, store.Slots[moved.Peer.Index].HeapPosition - 1);
    }

    /// <summary>Queues or re-keys <paramref name="peer"/> at <paramref name="deadline"/> (0 = remove).</summary>
    public static NtStatus Set(ref TimerHeap h, ref PeerStore store, PeerRef peer, long deadline)
    {
        if (deadline == 0)
        {
            Remove(ref h, ref store, peer);
            return NtStatus.Success;
        }
        if (PeerStoreOps<TPlatform>.Get(ref store, peer) == null)
            return NtStatus.InvalidParameter;
        int position = store.Slots[peer.Index].HeapPosition;
        if (position != 0)
        {
            int i = position - 1;
            long old = h.Items[i].Deadline;
            h.Items[i].Deadline = deadline;
            if (deadline < old)
                SiftUp(ref h, ref store, i);
            else
                SiftDown(ref h, ref store, i);
            return NtStatus.Success;
        }
        if (h.Count == h.Capacity)
        {
            int capacity = h.Capacity == 0 ? 64 : h.Capacity * 2;
            var items = (TimerEntry*)TPlatform.Alloc((nuint)(capacity * sizeof(TimerEntry)), Proto.TagTable);
            if (items == null)
                return NtStatus.InsufficientResources;
            for (int i = 0; i < h.Count; i++)
                items[i] = h.Items[i];
            if (h.Items != null)
                TPlatform.Free(h.Items, Proto.TagTable);
            h.Items = items;
            h.Capacity = capacity;
        }
        var e = default(TimerEntry);
        e.Peer = peer;
        e.Deadline = deadline;
        Put(ref h, ref store, h.Count, e);
        h.Count++;
        SiftUp(ref h, ref store, h.Count - 1);
        return NtStatus.Success;
    }
}
