using System;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// One queued control-channel item: a packet for user space (MP: with its source sockaddr prefix) or a status
/// marker (<see cref="Status"/> != Success: a read completes with that status and 0 bytes).
/// </summary>
public unsafe struct ControlItem
{
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
/// Bounded control-packet queue (<see cref="Depth"/> items) and pending reads (<see cref="PendingDepth"/>).
/// A packet that arrives while a read pends completes it directly; otherwise it waits here; when full it is
/// dropped and counted (LostInControlPackets).
/// </summary>
public unsafe struct ControlQueue
{
    public const int Depth = 64;
    public const int PendingDepth = 64;

    /// <summary>Largest item: a 2048-byte packet plus a 28-byte SOCKADDR_IN6 prefix.</summary>
    public const int ItemSize = 2048 + 28;

    public ControlItem* Items;
    public int Head;
    public int Count;
    public PendingRead* Pending;
    public int PendingHead;
    public int PendingCount;

    public readonly bool IsFull => Count == Depth;

    public ControlItem* PushSlot()
    {
        if (Count == Depth)
            return null;
        ControlItem* item = Items + ((Head + Count) % Depth);
        Count++;
        return item;
    }

    public ControlItem* Peek() => Count == 0 ? null : Items + Head;

    public void Pop()
    {
        Head = (Head + 1) % Depth;
        Count--;
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
