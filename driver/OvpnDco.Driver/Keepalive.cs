using OvpnDco.Driver.Platform;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// Keepalive: one device timer armed for the earliest deadline. Interval: a ping (the 16-byte magic as an encrypted
/// data packet) when nothing was sent for the interval. Timeout: nothing authenticated received for the timeout ->
/// P2P: a read completes with CONNECTION_DISCONNECTED (queued if none pends), once; MP: the peer is deleted and
/// DEL_PEER(EXPIRED) is queued for NOTIFY_EVENT.
/// </summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>The platform's timer fired.</summary>
    public static void OnTimer(DriverState* s)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        long now = TPlatform.NowMs();
        long next = 0;
        Peer* p = s->PeerList;
        while (p != null)
        {
            Peer* following = p->Next;
            if (p->Expired == 0 && p->Connecting == 0)
            {
                if (p->KeepaliveTimeout > 0 && now - p->LastRecvMs >= p->KeepaliveTimeout * 1000L)
                {
                    Expire(s, p);
                    p = following;
                    continue;
                }
                if (p->KeepaliveInterval > 0 && now - p->LastSentMs >= p->KeepaliveInterval * 1000L)
                {
                    if (SendData(s, p, Proto.PingMagic).IsSuccess())
                        s->Stats.PingsSent++;
                    else
                        p->LastSentMs = now; // no key yet: try again after another interval
                }
                next = Earliest(next, Deadline(p));
            }
            p = following;
        }
        s->TimerDue = next;
        if (next != 0)
            TPlatform.TimerArm(s->PlatformContext, next);
        TPlatform.LockRelease(ref s->Lock, irql);
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

    /// <summary>Arms the device timer earlier when <paramref name="p"/> needs it.</summary>
    private static void ScheduleFor(DriverState* s, Peer* p)
    {
        long d = Deadline(p);
        if (d == 0)
            return;
        if (s->TimerDue == 0 || d < s->TimerDue)
        {
            s->TimerDue = d;
            TPlatform.TimerArm(s->PlatformContext, d);
        }
    }

    private static void Expire(DriverState* s, Peer* p)
    {
        s->Stats.KeepaliveExpired++;
        TPlatform.Trace(TraceLevel.Info, "keepalive timeout", p->PeerId, 0);
        if (s->Mode == OvpnMode.P2P)
        {
            p->Expired = 1;
            SignalReadStatus(s, NtStatus.ConnectionDisconnected);
            return;
        }
        int peerId = p->PeerId;
        DeletePeer(s, p);
        PushEvent(s, OvpnNotifyCmd.DelPeer, peerId, OvpnDelPeerReason.Expired, null);
    }

    /// <summary>Applies keepalive/MSS values (-1 = unchanged, 0 = off); restarts both timers.</summary>
    private static NtStatus ApplyPeerSettings(DriverState* s, Peer* p, int interval, int timeout, int mss)
    {
        if (interval < -1 || timeout < -1 || mss < -1 || mss > 0xFFFF)
            return NtStatus.InvalidParameter;
        if (interval != -1)
            p->KeepaliveInterval = interval;
        if (timeout != -1)
            p->KeepaliveTimeout = timeout;
        if (mss != -1)
            p->Mss = mss;
        long now = TPlatform.NowMs();
        p->LastRecvMs = now;
        p->LastSentMs = now;
        p->Expired = 0;
        ScheduleFor(s, p);
        return NtStatus.Success;
    }
}
