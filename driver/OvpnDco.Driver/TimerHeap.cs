using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// Binary min-heap of peers by keepalive deadline (<see cref="Peer.HeapDeadline"/>; <see cref="Peer.HeapSlot"/> =
/// index + 1, 0 = not queued). Entries are lazy: traffic moves a peer's real deadline later without touching the heap;
/// when an entry comes due the deadline is recomputed and the entry re-keyed. O(log n) per change, O(1) minimum.
/// </summary>
public unsafe struct TimerHeap
{
    public Peer** Items;
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
    public static long Min(ref TimerHeap h) => h.Count == 0 ? 0 : h.Items[0]->HeapDeadline;

    public static Peer* Top(ref TimerHeap h) => h.Count == 0 ? null : h.Items[0];

    private static void Put(ref TimerHeap h, int i, Peer* p)
    {
        h.Items[i] = p;
        p->HeapSlot = i + 1;
    }

    private static void SiftUp(ref TimerHeap h, int i)
    {
        Peer* p = h.Items[i];
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            Peer* q = h.Items[parent];
            if (q->HeapDeadline <= p->HeapDeadline)
                break;
            Put(ref h, i, q);
            i = parent;
        }
        Put(ref h, i, p);
    }

    private static void SiftDown(ref TimerHeap h, int i)
    {
        Peer* p = h.Items[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= h.Count)
                break;
            if (child + 1 < h.Count && h.Items[child + 1]->HeapDeadline < h.Items[child]->HeapDeadline)
                child++;
            if (h.Items[child]->HeapDeadline >= p->HeapDeadline)
                break;
            Put(ref h, i, h.Items[child]);
            i = child;
        }
        Put(ref h, i, p);
    }

    /// <summary>Removes <paramref name="p"/> if queued.</summary>
    public static void Remove(ref TimerHeap h, Peer* p)
    {
        if (p->HeapSlot == 0)
            return;
        int i = p->HeapSlot - 1;
        p->HeapSlot = 0;
        h.Count--;
        if (i == h.Count)
            return;
        Peer* moved = h.Items[h.Count];
        Put(ref h, i, moved);
        SiftUp(ref h, i);
        SiftDown(ref h, moved->HeapSlot - 1);
    }

    /// <summary>Queues or re-keys <paramref name="p"/> at <paramref name="deadline"/> (0 = remove).</summary>
    public static NtStatus Set(ref TimerHeap h, Peer* p, long deadline)
    {
        if (deadline == 0)
        {
            Remove(ref h, p);
            return NtStatus.Success;
        }
        if (p->HeapSlot != 0)
        {
            int i = p->HeapSlot - 1;
            long old = p->HeapDeadline;
            p->HeapDeadline = deadline;
            if (deadline < old)
                SiftUp(ref h, i);
            else
                SiftDown(ref h, i);
            return NtStatus.Success;
        }
        if (h.Count == h.Capacity)
        {
            int capacity = h.Capacity == 0 ? 64 : h.Capacity * 2;
            var items = (Peer**)TPlatform.Alloc((nuint)(capacity * sizeof(Peer*)), Proto.TagTable);
            if (items == null)
                return NtStatus.InsufficientResources;
            for (int i = 0; i < h.Count; i++)
                items[i] = h.Items[i];
            if (h.Items != null)
                TPlatform.Free(h.Items, Proto.TagTable);
            h.Items = items;
            h.Capacity = capacity;
        }
        p->HeapDeadline = deadline;
        Put(ref h, h.Count, p);
        h.Count++;
        SiftUp(ref h, h.Count - 1);
        return NtStatus.Success;
    }
}
