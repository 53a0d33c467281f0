using System;
using System.Threading;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>One datagram of a receive batch: what recvmmsg or a chain of WSK datagram indications brought.</summary>
public unsafe struct RxDatagram
{
    public byte* Data;
    public int Length;
    public SockAddrInet From;
}

/// <summary>One IP packet of a transmit batch (a NetAdapterCx tx ring's packets, a burst of TUN reads).</summary>
public unsafe struct TxPacket
{
    public byte* Data;
    public int Length;

    /// <summary>Written by the driver: what <see cref="Driver{TPlatform}.OnAdapterTransmit"/> would have returned.</summary>
    public NtStatus Status;
}

/// <summary>
/// Batch entry points: the same data path as the single-packet ones, with what a packet costs besides its own work
/// (taking the shared lock, reading the clock, adding to the CPU's counters: see <see cref="Tally"/>) paid once per
/// batch.
/// </summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>
    /// <paramref name="count"/> UDP datagrams, in order. A datagram that floats its peer (MP) is followed by the float,
    /// with the lock exclusive for that moment, before the next datagram is handled.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportReceiveBatch(DriverState* s, RxDatagram* batch, int count)
    {
        byte irql = TPlatform.LockAcquireShared(ref s->Lock);
        long now = TPlatform.NowMs();
        var rx = new Tally();
        for (int i = 0; i < count; i++)
        {
            RxDatagram* d = batch + i;
            if (d->Length < 0)
                continue;
            rx.TransportBytes += d->Length;
            PeerRef floated = ReceivePacket(s, new ReadOnlySpan<byte>(d->Data, d->Length), d->From, now, ref rx);
            if (!floated.IsNone)
            {
                Tally.Flush(ref rx, &MyCounters(s)->Rx);
                TPlatform.LockReleaseShared(ref s->Lock, irql);
                FloatPeer(s, floated, d->From);
                irql = TPlatform.LockAcquireShared(ref s->Lock);
            }
        }
        Tally.Flush(ref rx, &MyCounters(s)->Rx);
        TPlatform.LockReleaseShared(ref s->Lock, irql);
    }

    /// <summary>
    /// <paramref name="count"/> IP packets from the adapter, in order (writable: MSS clamping edits them in place);
    /// each one's status is written into its <see cref="TxPacket.Status"/>.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void OnAdapterTransmitBatch(DriverState* s, TxPacket* batch, int count)
    {
        PeerRef exhausted = PeerRef.None;
        byte irql = TPlatform.LockAcquireShared(ref s->Lock);
        long now = TPlatform.NowMs();
        var tx = new Tally();
        for (int i = 0; i < count; i++)
        {
            TxPacket* t = batch + i;
            if (t->Length < 0)
            {
                t->Status = NtStatus.InvalidParameter;
                continue;
            }
            t->Status = Transmit(s, new Span<byte>(t->Data, t->Length), now, ref tx, out PeerRef ranOut);
            if (!ranOut.IsNone)
                exhausted = ranOut;
        }
        Tally.Flush(ref tx, &MyCounters(s)->Tx);
        TPlatform.LockReleaseShared(ref s->Lock, irql);
        if (!exhausted.IsNone)
            NotifyExhausted(s, exhausted);
    }
}
