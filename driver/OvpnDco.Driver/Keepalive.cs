using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// Keepalive: one device timer armed for the earliest deadline of a min-heap of peers (TimerHeap.cs). Interval: a ping (the 16-byte magic as an encrypted
/// data packet) when nothing was sent for the interval. Timeout: nothing authenticated received for the timeout ->
/// P2P: a read completes with CONNECTION_DISCONNECTED (queued if none pends), once; MP: the peer is deleted and
/// DEL_PEER(EXPIRED) is queued for NOTIFY_EVENT.
/// </summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>The platform's timer fired: handles every peer whose queued deadline has come, then re-arms.</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTimer(DriverState* s)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        long now = TPlatform.NowMs();
        s->TimerDue = 0;
        while (s->Timers.Count > 0 && TimerHeapOps<TPlatform>.Min(ref s->Timers) <= now)
        {
            PeerRef top = TimerHeapOps<TPlatform>.Top(ref s->Timers);
            Peer* p = Resolve(s, top);
            if (p == null)
            {
                // Cannot happen while DeletePeer takes peers off the heap; fail closed all the same.
                TimerHeapOps<TPlatform>.PopMin(ref s->Timers, ref s->Peers);
                continue;
            }
            if (Due(s, p, now))
                continue; // deleted (MP expiry): already out of the heap
            if (!TimerHeapOps<TPlatform>.Set(ref s->Timers, ref s->Peers, top, Deadline(p)).IsSuccess())
                TimerHeapOps<TPlatform>.Remove(ref s->Timers, ref s->Peers, top);
        }
        Rearm(s);
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    /// <summary>Timeout and ping checks of one peer; true when the peer was deleted.</summary>
    private static bool Due(DriverState* s, Peer* p, long now)
    {
        if (p->Expired != 0 || p->Connecting != 0)
            return false;
        if (p->KeepaliveTimeout > 0 && now - p->LastRecvMs >= p->KeepaliveTimeout * 1000L)
            return Expire(s, p);
        if (p->KeepaliveInterval > 0 && now - p->LastSentMs >= p->KeepaliveInterval * 1000L)
        {
            if (p->Keys.Primary.InUse == 0)
            {
                p->LastSentMs = now; // no key yet: nothing to ping with (not counted as a lost packet)
            }
            else
            {
                var tx = new Tally();
                var status = SendData(s, p, Proto.PingMagic, now, ref tx);
                Tally.Flush(ref tx, &MyCounters(s)->Tx);
                if (status.IsSuccess())
                {
                    s->Stats.PingsSent++;
                }
                else
                {
                    if (status == NtStatus.IntegerOverflow)
                        NotifyRekey(s, p);
                    p->LastSentMs = now; // send failed: try again after another interval
                }
            }
        }
        return false;
    }

    /// <summary>Arms the device timer for the earliest queued deadline when that is earlier than what is armed.</summary>
    private static void Rearm(DriverState* s)
    {
        long min = TimerHeapOps<TPlatform>.Min(ref s->Timers);
        if (min != 0 && (s->TimerDue == 0 || min < s->TimerDue))
        {
            s->TimerDue = min;
            TPlatform.TimerArm(s->PlatformContext, min);
        }
    }

    private static long Earliest(long a, long b) => a == 0 ? b : b == 0 ? a : (a < b ? a : b);

    /// <summary>The peer's next keepalive deadline (0 = none).</summary>
    private static long Deadline(Peer* p)
    {
        if (p->Expired != 0 || p->Connecting != 0)
            return 0;
        long d = 0;
        if (p->KeepaliveInterval > 0)
            d = p->LastSentMs + p->KeepaliveInterval * 1000L;
        if (p->KeepaliveTimeout > 0)
            d = Earliest(d, p->LastRecvMs + p->KeepaliveTimeout * 1000L);
        return d;
    }

    /// <summary>(Re)queues <paramref name="p"/> at its current deadline and arms the timer earlier if needed.</summary>
    private static NtStatus ScheduleFor(DriverState* s, Peer* p)
    {
        var status = TimerHeapOps<TPlatform>.Set(ref s->Timers, ref s->Peers, p->Self, Deadline(p));
        Rearm(s);
        return status;
    }

    /// <summary>The keepalive timeout fired; true when the peer was deleted (MP).</summary>
    private static bool Expire(DriverState* s, Peer* p)
    {
        s->Stats.KeepaliveExpired++;
        DriverTrace<TPlatform>.PeerKeepaliveExpired(p->PeerId, p->KeepaliveTimeout);
        if (s->Mode == OvpnMode.P2P)
        {
            p->Expired = 1;
            SignalReadStatus(s, NtStatus.ConnectionDisconnected);
            return false;
        }
        int peerId = p->PeerId;
        DeletePeer(s, p);
        PushEvent(s, OvpnNotifyCmd.DelPeer, peerId, OvpnDelPeerReason.Expired, null);
        return true;
    }

    /// <summary>Applies keepalive/MSS values (-1 = unchanged, 0 = off); restarts the timer of each value that is set.</summary>
    private static NtStatus ApplyPeerSettings(DriverState* s, Peer* p, int interval, int timeout, int mss)
    {
        if (interval < -1 || timeout < -1 || mss < -1 || mss > 0xFFFF)
            return NtStatus.InvalidParameter;
        if (mss != -1)
            p->Mss = mss;
        if (interval == -1 && timeout == -1)
            return NtStatus.Success; // {-1, -1, mss} (OpenVPN3's adjust_mss): the timers run on untouched
        // A value that is set restarts its own timer only: a new interval counts from now for sending, a new timeout
        // from now for receiving (and re-arms the timeout report).
        long now = TPlatform.NowMs();
        if (interval != -1)
        {
            p->KeepaliveInterval = interval;
            p->LastSentMs = now;
        }
        if (timeout != -1)
        {
            p->KeepaliveTimeout = timeout;
            p->LastRecvMs = now;
            p->Expired = 0;
        }
        return ScheduleFor(s, p);
    }
}
