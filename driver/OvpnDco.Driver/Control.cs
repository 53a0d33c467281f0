using System;
using System.Threading;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>Control channel: rx non-data packets to user space (reads), user-space writes to the transport.</summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>
    /// Hands a received control packet to user space: completes a pending read or queues it (MP: prefixed with
    /// the source sockaddr). Dropped and counted when the queue is full. Rx calls it with the device lock shared and
    /// the control lock held (counters that rx also changes outside the control lock are atomic).
    /// </summary>
    private static void DeliverControl(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from)
    {
        int prefix = s->Mode == OvpnMode.MP ? from.Length : 0;
        int total = prefix + packet.Length;
        if (total > ControlQueue.ItemSize)
        {
            Interlocked.Increment(ref s->Stats.Abi.LostInControlPackets);
            return;
        }
        PendingRead read = default;
        bool completeRead = s->Control.Count == 0 && s->Control.PopPending(out read);
        if (completeRead && read.Capacity < total)
        {
            Interlocked.Increment(ref s->Stats.Abi.LostInControlPackets);
            Interlocked.Increment(ref s->Stats.ControlReadTooSmall);
            TPlatform.CompleteRead(s->PlatformContext, read.Request, NtStatus.BufferTooSmall, default);
            return;
        }
        // The packet is assembled in a queue item (from the pool, not on the stack), which a pending read takes at
        // once or which waits in the queue.
        ControlItem* item = NewControlItem(s);
        if (item == null)
        {
            Interlocked.Increment(ref s->Stats.Abi.LostInControlPackets);
            Interlocked.Increment(ref s->Stats.ControlQueueFull);
            if (completeRead)
                TPlatform.CompleteRead(s->PlatformContext, read.Request, NtStatus.InsufficientResources, default);
            return;
        }
        var data = new Span<byte>(item->Data, ControlQueue.ItemSize);
        fixed (SockAddrInet* f = &from)
            new ReadOnlySpan<byte>(f, prefix).CopyTo(data);
        packet.CopyTo(data.Slice(prefix));
        Interlocked.Increment(ref s->Stats.Abi.ReceivedControlPackets);
        if (completeRead)
        {
            TPlatform.CompleteRead(s->PlatformContext, read.Request, NtStatus.Success, data.Slice(0, total));
            TPlatform.Free(item, Proto.TagQueue);
            return;
        }
        item->Length = total;
        item->Status = NtStatus.Success;
        s->Control.Append(item);
    }

    /// <summary>A zeroed item for the queue, or null at the cap or when the pool is empty (the caller counts the drop).</summary>
    private static ControlItem* NewControlItem(DriverState* s)
    {
        if (s->Control.Count >= ControlQueue.MaxDepth)
            return null;
        return (ControlItem*)TPlatform.Alloc((nuint)sizeof(ControlItem), Proto.TagQueue);
    }

    /// <summary>Drops the oldest queued item.</summary>
    private static void DropOldestControl(DriverState* s)
    {
        ControlItem* item = s->Control.TakeFirst();
        if (item != null)
            TPlatform.Free(item, Proto.TagQueue);
    }

    /// <summary>Drops every queued control packet and status (a new session must not read the old one's).</summary>
    private static void FlushQueuedControl(DriverState* s)
    {
        while (s->Control.Count > 0)
            DropOldestControl(s);
    }

    /// <summary>
    /// Completes one read with <paramref name="status"/> and 0 bytes (keepalive timeout, TCP close); queued when no
    /// read is pending so it is not lost.
    /// </summary>
    private static void SignalReadStatus(DriverState* s, NtStatus status)
    {
        if (s->Control.Count == 0 && s->Control.PopPending(out var read))
        {
            TPlatform.CompleteRead(s->PlatformContext, read.Request, status, default);
            return;
        }
        ControlItem* item = NewControlItem(s);
        if (item == null && s->Control.Count > 0)
        {
            // Make room: a status matters more than the oldest control packet.
            ControlItem* oldest = s->Control.TakeFirst();
            s->Stats.Abi.LostInControlPackets++;
            item = oldest;
            item->Next = null;
        }
        if (item == null)
        {
            s->Stats.Abi.LostInControlPackets++; // no memory and nothing queued to give up
            return;
        }
        item->Length = 0;
        item->Status = status;
        s->Control.Append(item);
    }

    private static void CancelAllReads(DriverState* s)
    {
        while (s->Control.PopPending(out var read))
            TPlatform.CompleteRead(s->PlatformContext, read.Request, NtStatus.Cancelled, default);
        FlushQueuedControl(s);
    }

    /// <summary>
    /// ReadFile on the device. Returns Success/BufferTooSmall/a queued status with data copied into
    /// <paramref name="buffer"/>, or Pending: the platform keeps <paramref name="request"/> until
    /// <see cref="IPlatform.CompleteRead"/> (or cancels it with <see cref="CancelRead"/>).
    /// </summary>
    [Irql(KIrql.Passive)]
    public static NtStatus ReadControl(DriverState* s, nint request, Span<byte> buffer, out int bytesRead)
    {
        bytesRead = 0;
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        NtStatus status;
        ControlItem* item = s->Control.First;
        if (item != null)
        {
            if (item->Status != NtStatus.Success)
            {
                status = item->Status;
            }
            else if (buffer.Length < item->Length)
            {
                status = NtStatus.BufferTooSmall;
                s->Stats.Abi.LostInControlPackets++;
                s->Stats.ControlReadTooSmall++;
            }
            else
            {
                new ReadOnlySpan<byte>(item->Data, item->Length).CopyTo(buffer);
                bytesRead = item->Length;
                status = NtStatus.Success;
            }
            DropOldestControl(s);
        }
        else if (s->Control.PushPending(request, buffer.Length))
        {
            status = NtStatus.Pending;
        }
        else
        {
            status = NtStatus.InsufficientResources;
        }
        TPlatform.LockRelease(ref s->Lock, irql);
        return status;
    }

    /// <summary>The platform cancels a pended read; true when it was pending (the platform completes it Cancelled).</summary>
    [Irql(KIrql.Dispatch)]
    public static bool CancelRead(DriverState* s, nint request)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        bool removed = s->Control.RemovePending(request);
        TPlatform.LockRelease(ref s->Lock, irql);
        return removed;
    }

    /// <summary>
    /// WriteFile on the device: one control packet to the peer (P2P) or to the sockaddr prefix (MP).
    /// No socket: INVALID_DEVICE_STATE; empty or bad prefix: INVALID_PARAMETER; over 1500 bytes: INVALID_BUFFER_SIZE.
    /// </summary>
    [Irql(KIrql.Passive)]
    public static NtStatus WriteControl(DriverState* s, ReadOnlySpan<byte> buffer)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        var status = WriteControlLocked(s, buffer);
        TPlatform.LockRelease(ref s->Lock, irql);
        return status;
    }

    private static NtStatus WriteControlLocked(DriverState* s, ReadOnlySpan<byte> buffer)
    {
        SockAddrInet remote = default;
        OvpnProto proto = OvpnProto.Udp;
        ReadOnlySpan<byte> packet;
        if (s->Mode == OvpnMode.MP)
        {
            if (s->Listening == 0)
                return NtStatus.InvalidDeviceState;
            int prefix = SockAddr.PrefixLength(buffer);
            if (prefix == 0)
                return NtStatus.InvalidParameter;
            fixed (byte* b = buffer)
                new ReadOnlySpan<byte>(b, prefix).CopyTo(new Span<byte>(&remote, sizeof(SockAddrInet)));
            packet = buffer.Slice(prefix);
        }
        else
        {
            Peer* p = P2pPeer(s);
            if (p == null || p->Connecting != 0)
                return NtStatus.InvalidDeviceState;
            remote = p->Remote;
            proto = p->Proto;
            packet = buffer;
        }
        if (packet.Length == 0)
            return NtStatus.InvalidParameter;
        if (packet.Length > UapiLimits.MaxControlPacketSize)
            return NtStatus.InvalidBufferSize;
        int framing = proto == OvpnProto.Tcp ? TcpFraming.PrefixSize : 0;
        int wire = framing + packet.Length;
        byte* frame = TPlatform.TransportBuffer(s->PlatformContext, wire);
        if (frame == null)
        {
            s->Stats.Abi.LostOutControlPackets++;
            return NtStatus.InsufficientResources;
        }
        var framed = new Span<byte>(frame, wire);
        if (framing != 0)
            TcpFraming.WritePrefix(framed, packet.Length);
        packet.CopyTo(framed.Slice(framing));
        var status = TPlatform.TransportSend(s->PlatformContext, proto, remote, framed);
        if (!status.IsSuccess())
        {
            s->Stats.Abi.LostOutControlPackets++;
            return status;
        }
        s->Stats.Abi.SentControlPackets++;
        Interlocked.Add(ref MyCounters(s)->Tx.TransportBytes, wire); // per-CPU slots are shared with the data path's atomics
        return NtStatus.Success;
    }
}
