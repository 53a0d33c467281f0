using System;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// One queued control-channel item: a packet for user space (MP: with its source sockaddr prefix) or a status
/// marker (<see cref="Status"/> != Success: a read completes with that status and 0 bytes). Allocated per packet
/// (<see cref="Proto.TagQueue"/>), linked in arrival order, freed when read or flushed.
/// </summary>
public unsafe struct ControlItem
{
    public ControlItem* Next;
    public int Length;
    public NtStatus Status;
    public fixed byte Data[ControlQueue.ItemSize];
}

/// <summary>A read request the driver pended (the platform keeps the request itself).</summary>
public struct PendingRead
{
    public nint Request;
    public int Capacity;
}

/// <summary>
/// The control-packet queue and the pending reads (<see cref="PendingDepth"/>). A packet that arrives while a read
/// pends completes it directly; otherwise it waits here. The queue is bounded by memory — a burst of handshakes on a
/// busy server is not dropped while the pool has room — with a hard cap of <see cref="MaxDepth"/> items; a packet
/// beyond it, or one whose item cannot be allocated, is dropped and counted (LostInControlPackets).
/// </summary>
public unsafe struct ControlQueue
{
    /// <summary>Hard cap: 4096 items of about 2 KiB, 8.5 MiB of non-paged pool per device at most.</summary>
    public const int MaxDepth = 4096;
    public const int PendingDepth = 64;

    /// <summary>Largest item: a 2048-byte packet plus a 28-byte SOCKADDR_IN6 prefix.</summary>
    public const int ItemSize = 2048 + 28;

    public ControlItem* First;
    public ControlItem* Last;
    public int Count;
    public PendingRead* Pending;
    public int PendingHead;
    public int PendingCount;

    /// <summary>Links an allocated item at the end.</summary>
    public void Append(ControlItem* item)
    {
        item->Next = null;
        if (Last != null)
            Last->Next = item;
        else
            First = item;
        Last = item;
        Count++;
    }

    /// <summary>Unlinks the oldest item (the caller frees it); null when empty.</summary>
    public ControlItem* TakeFirst()
    {
        ControlItem* item = First;
        if (item == null)
            return null;
        First = item->Next;
        if (First == null)
            Last = null;
        item->Next = null;
        Count--;
        return item;
    }

    public bool PushPending(nint request, int capacity)
    {
        if (PendingCount == PendingDepth)
            return false;
        PendingRead* p = Pending + ((PendingHead + PendingCount) % PendingDepth);
        p->Request = request;
        p->Capacity = capacity;
        PendingCount++;
        return true;
    }

    public bool PopPending(out PendingRead read)
    {
        read = default;
        if (PendingCount == 0)
            return false;
        read = Pending[PendingHead];
        PendingHead = (PendingHead + 1) % PendingDepth;
        PendingCount--;
        return true;
    }

    /// <summary>Removes a pended read (cancellation); false when it is not pending.</summary>
    public bool RemovePending(nint request)
    {
        for (int i = 0; i < PendingCount; i++)
        {
            int at = (PendingHead + i) % PendingDepth;
            if (Pending[at].Request != request)
                continue;
            for (int j = i; j < PendingCount - 1; j++)
                Pending[(PendingHead + j) % PendingDepth] = Pending[(PendingHead + j + 1) % PendingDepth];
            PendingCount--;
            return true;
        }
        return false;
    }
}

/// <summary>Bounded queue of NOTIFY_EVENT results (<see cref="Depth"/>); overflow drops and counts.</summary>
public unsafe struct EventQueue
{
    public const int Depth = 1024;

    /// <summary>NOTIFY_EVENT requests pended at once; more are refused with STATUS_INSUFFICIENT_RESOURCES.</summary>
    public const int MaxPending = 64;

    public OvpnNotifyEvent* Items;
    public int Head;
    public int Count;

    /// <summary>NOTIFY_EVENT requests the driver answered with STATUS_PENDING and has not completed yet.</summary>
    public int Pending;

    public bool Push(in OvpnNotifyEvent e)
    {
        if (Count == Depth)
            return false;
        Items[(Head + Count) % Depth] = e;
        Count++;
        return true;
    }

    public bool Pop(out OvpnNotifyEvent e)
    {
        e = default;
        if (Count == 0)
            return false;
        e = Items[Head];
        Head = (Head + 1) % Depth;
        Count--;
        return true;
    }
}
