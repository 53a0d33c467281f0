using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Threading;
using OvpnDco.Driver.Platform;
using OvpnDco.Runtime;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// The data path. Rx: transport -> opcode (non-data -> control) -> peer (P2P / by peer id / by transport address)
/// -> key slot by key id -> open -> replay window -> float detection -> ping swallowed / non-IP dropped -> MP source check -> MSS clamp
/// -> adapter. Tx: adapter -> peer (P2P / longest-prefix match on the destination) -> MSS clamp -> primary key seal
/// -> (TCP length prefix) -> transport.
/// Concurrency (driver/README.md): rx and tx hold the device lock SHARED, so any number of packets run at once on any
/// number of CPUs; what they change is atomic (counters, packet ids, last-seen times) or under a key slot's
/// <see cref="SlotLock"/> (the replay window) or the control lock (the control queue). What needs the lock exclusive
/// (a float, the rekey notification) is done after the shared lock is released, on the peer's reference again.
/// </summary>
public static unsafe partial class Driver<TPlatform>
    where TPlatform : IPlatform
{
    /// <summary>A UDP datagram (or, from a TCP stream, one frame) from <paramref name="from"/>.</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportReceive(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from)
    {
        byte irql = TPlatform.LockAcquireShared(ref s->Lock);
        var rx = new Tally { TransportBytes = packet.Length };
        PeerRef floated = ReceivePacket(s, packet, from, TPlatform.NowMs(), ref rx);
        Tally.Flush(ref rx, &MyCounters(s)->Rx);
        TPlatform.LockReleaseShared(ref s->Lock, irql);
        if (!floated.IsNone)
            FloatPeer(s, floated, from);
    }

    /// <summary>
    /// Bytes of the P2P TCP stream (any split): reassembled into frames, each handled as a packet. The platform calls
    /// this for one connection from one thread at a time (a WSK connection's receive events are serialised): the
    /// reassembly state is the stream's own, the rest is shared like any rx.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportStream(DriverState* s, ReadOnlySpan<byte> bytes) => OnTransportStream(s, bytes, AnyTransport);

    /// <summary>As <see cref="OnTransportStream(DriverState*, ReadOnlySpan{byte})"/>, dropped unless <paramref name="transport"/> is still the open one.</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportStream(DriverState* s, ReadOnlySpan<byte> bytes, uint transport)
    {
        byte irql = TPlatform.LockAcquireShared(ref s->Lock);
        var rx = new Tally { TransportBytes = bytes.Length };
        Peer* p = P2pPeer(s);
        if (p != null && p->Tcp.Buffer != null & IsOpenTransport(s, transport))
        {
            long now = TPlatform.NowMs();
            int offset = 0;
            while (offset < bytes.Length)
            {
                var r = TcpFraming.Next(ref p->Tcp, bytes, ref offset, out int length);
                if (r == TcpFrameResult.BadLength)
                {
                    // As upstream: the reassembly state is reset and the rest of this segment is dropped (its bytes
                    // cannot be framed); the next segment starts a new frame.
                    Interlocked.Increment(ref s->Stats.TcpBadLength);
                    DriverTrace<TPlatform>.TcpBadFrameLength(offset, bytes.Length - offset);
                    break;
                }
                if (r == TcpFrameResult.NeedMore)
                    break;
                ReceivePacket(s, new ReadOnlySpan<byte>(p->Tcp.Buffer, length), p->Remote, now, ref rx); // TCP peers never float
            }
        }
        Tally.Flush(ref rx, &MyCounters(s)->Rx);
        TPlatform.LockReleaseShared(ref s->Lock, irql);
    }

    /// <summary>
    /// The P2P TCP connection completed (NEW_PEER pended): completes the pended NEW_PEER. A failed connect deletes
    /// the peer and closes the transport (nothing of the attempt stays open).
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportConnected(DriverState* s, NtStatus status) => OnTransportConnected(s, status, AnyTransport);

    /// <summary>As <see cref="OnTransportConnected(DriverState*, NtStatus)"/>, ignored unless <paramref name="transport"/> is still the open one.</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportConnected(DriverState* s, NtStatus status, uint transport)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        Peer* p = P2pPeer(s);
        if (p != null && p->Connecting != 0 & IsOpenTransport(s, transport))
        {
            if (status.IsSuccess())
            {
                p->Connecting = 0;
                long now = TPlatform.NowMs();
                p->LastRecvMs = now;
                p->LastSentMs = now;
                ScheduleFor(s, p);
            }
            else
            {
                DeletePeer(s, p);
                TPlatform.TransportClose(s->PlatformContext);
            }
            if (s->NewPeerPending > 0)
            {
                s->NewPeerPending = 0;
                TPlatform.CompletePending(s->PlatformContext, PendingKind.NewPeer, status, default);
            }
        }
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    /// <summary>The P2P TCP peer closed the connection: a read completes with CONNECTION_ABORTED (queued if none pends).</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportDisconnected(DriverState* s) => OnTransportDisconnected(s, AnyTransport);

    /// <summary>As <see cref="OnTransportDisconnected(DriverState*)"/>, ignored unless <paramref name="transport"/> is still the open one.</summary>
    [Irql(KIrql.Dispatch)]
    public static void OnTransportDisconnected(DriverState* s, uint transport)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        if (P2pPeer(s) != null & IsOpenTransport(s, transport))
            SignalReadStatus(s, NtStatus.ConnectionAborted);
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    /// <summary>
    /// The events' <c>transport</c> argument for a platform that keeps events of a closed transport out itself (the
    /// hosted device, by its socket generation): taken as the open one.
    /// </summary>
    public const uint AnyTransport = 0;

    /// <summary>
    /// The number of the transport the core is opening: valid inside <see cref="IPlatform.TransportOpen"/> and
    /// <see cref="IPlatform.TransportListen"/> (the core's lock held), where a platform reads it to pass with that
    /// transport's events.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static uint TransportNumber(DriverState* s) => s->TransportNumber;

    /// <summary>A new transport is about to open (lock held exclusive): events of the ones before no longer apply.</summary>
    private static void NextTransport(DriverState* s) => s->TransportNumber = s->TransportNumber % uint.MaxValue + 1; // 1, 2, ..., uint.MaxValue, 1: never AnyTransport

    /// <summary>Whether a notice names the open transport (either comparison evaluated: no branch the hosted device never takes).</summary>
    private static bool IsOpenTransport(DriverState* s, uint transport) => (transport == AnyTransport) | (transport == s->TransportNumber);

    /// <summary>
    /// One packet, device lock held shared (<paramref name="now"/>: the time of its arrival, read once per batch; what
    /// it delivers is counted in <paramref name="rx"/>, which the caller adds to its CPU's counters).
    /// Returns the peer to float to <paramref name="from"/> (which needs the lock exclusive: the caller does it
    /// afterwards), None otherwise.
    /// </summary>
    private static PeerRef ReceivePacket(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from, long now, ref Tally rx)
    {
        if (packet.Length == 0)
        {
            Interlocked.Increment(ref s->Stats.Abi.LostInControlPackets);
            return PeerRef.None;
        }
        Opcode opcode = Proto.OpcodeOf(packet[0]);
        if (opcode != Opcode.DataV2)
        {
            // Only the control channel goes to user space; DATA_V1 and unknown opcodes stop here.
            if (Proto.IsControlOpcode(opcode))
            {
                byte irql = TPlatform.LockAcquire(ref s->ControlLock);
                DeliverControl(s, packet, from);
                TPlatform.LockRelease(ref s->ControlLock, irql);
            }
            else
            {
                Interlocked.Increment(ref s->Stats.BadOpcode);
                Interlocked.Increment(ref s->Stats.Abi.LostInControlPackets);
            }
            return PeerRef.None;
        }
        if (packet.Length < Proto.HeaderSize + Proto.PacketIdSize)
            return DropData(ref s->Stats.Truncated, s);
        Peer* p;
        if (s->Mode == OvpnMode.P2P)
        {
            p = P2pPeer(s);
            if (p != null && p->Connecting != 0)
                p = null;
        }
        else
        {
            p = MpSender(s, packet, from);
        }
        if (p == null)
            return DropData(ref s->Stats.NoPeer, s);
        int keyId = Proto.KeyId(packet[0]);
        ref KeySlot slot = ref p->Keys.Primary;
        if (p->Keys.Primary.InUse == 0 || p->Keys.Primary.KeyId != keyId)
        {
            if (p->Keys.Secondary.InUse == 0 || p->Keys.Secondary.KeyId != keyId)
                return DropData(ref s->Stats.NoKey, s);
            slot = ref p->Keys.Secondary;
        }
        // Decrypted in place into the buffer that becomes the adapter's packet: no copy on the stack, none after.
        int size = packet.Length < Proto.MaxWire ? packet.Length : Proto.MaxWire;
        byte* buffer = TPlatform.AdapterBuffer(s->PlatformContext, size);
        if (buffer == null)
            return DropData(ref s->Stats.NoBuffer, s);
        PeerRef floated = PeerRef.None;
        int n = Decrypt(s, p, ref slot, packet, from, new Span<byte>(buffer, size), now, ref rx, ref floated);
        if (n < 0)
        {
            TPlatform.AdapterBufferRelease(s->PlatformContext, buffer);
            return floated;
        }
        TPlatform.AdapterDeliver(s->PlatformContext, new ReadOnlySpan<byte>(buffer, n));
        return floated;
    }

    /// <summary>MP: the peer a data packet names by its peer id, or for the undefined id the one at its transport address.</summary>
    private static Peer* MpSender(DriverState* s, ReadOnlySpan<byte> packet, in SockAddrInet from)
    {
        int peerId = (int)(BinaryPrimitives.ReadUInt32BigEndian(packet) & Proto.PeerIdMask);
        return Resolve(s, peerId == Proto.PeerIdUndefined
            ? PeerTableOps<TPlatform>.Find(ref s->ByRemote, TableKey.ForRemote(from))
            : PeerTableOps<TPlatform>.Find(ref s->ById, TableKey.ForPeerId(peerId)));
    }

    /// <summary>Whether <paramref name="from"/> is another transport address than the peer's.</summary>
    private static bool Moved(Peer* p, in SockAddrInet from) => !TableKey.ForRemote(from).Same(TableKey.ForRemote(p->Remote));

    /// <summary>
    /// Open, replay check, float detection, then what the adapter must not get (keepalive pings, non-IP, MP packets
    /// from a source that does not route back to the peer), MSS clamping and the counters. Returns the length of the
    /// IP packet in <paramref name="plain"/> to deliver, or -1 when the packet stops here (counted).
    /// </summary>
    private static int Decrypt(DriverState* s, Peer* p, ref KeySlot slot, ReadOnlySpan<byte> packet, in SockAddrInet from,
        Span<byte> plain, long now, ref Tally rx, ref PeerRef floated)
    {
        int n = CryptoAead<TPlatform>.OpenAndCheck(ref slot, packet, plain, now, out var replay);
        if (n < 0)
        {
            var error = (CryptoError)n;
            if (error == CryptoError.AuthFailed)
                DropData(ref s->Stats.AuthFailed, s);
            else if (error == CryptoError.NoKey)
                DropData(ref s->Stats.NoKey, s);
            else
                DropData(ref s->Stats.Truncated, s);
            return -1;
        }
        if (replay != ReplayResult.Accepted)
        {
            if (replay == ReplayResult.Duplicate)
                DropData(ref s->Stats.ReplayDuplicate, s);
            else if (replay == ReplayResult.TooOld)
                DropData(ref s->Stats.ReplayTooOld, s);
            else
                DropData(ref s->Stats.ReplayZeroId, s);
            return -1;
        }
        Touch(ref p->LastRecvMs, now);
        Interlocked.Add(ref p->LinkRxBytes, packet.Length);
        rx.DataPackets++;
        if (s->Mode == OvpnMode.MP && p->Proto == OvpnProto.Udp && slot.Alg != OvpnCipherAlg.None
            && Moved(p, from))
            floated = p->Self;
        var payload = plain.Slice(0, n);
        if (Proto.IsPing(payload))
        {
            Interlocked.Increment(ref s->Stats.PingsReceived);
            return -1;
        }
        int version = n > 0 ? payload[0] >> 4 : 0;
        if (version != 4 && version != 6)
        {
            Interlocked.Increment(ref s->Stats.NotIp);
            return -1;
        }
        if (s->Mode == OvpnMode.MP && !SourceBelongsTo(s, p, payload, version))
        {
            Interlocked.Increment(ref s->Stats.BadSourceAddress);
            return -1;
        }
        if (p->Mss > 0 && MssClamp.Apply(payload, p->Mss))
            Interlocked.Increment(ref s->Stats.MssClamped);
        Interlocked.Add(ref p->VpnRxBytes, n);
        rx.TunBytes += n;
        return n;
    }

    /// <summary>
    /// Records <paramref name="now"/> as a last-seen time. Packets of one batch (or one millisecond) share the clock
    /// reading, so the time is written only when it changed: one locked write per peer and millisecond instead of one
    /// per packet, and CPUs that carry one peer's packets stop taking its line from each other. (A torn read where a
    /// 64-bit load is two, x86, at worst writes once more.)
    /// </summary>
    private static void Touch(ref long lastSeenMs, long now)
    {
        if (Volatile.Read(ref lastSeenMs) != now)
            Interlocked.Exchange(ref lastSeenMs, now);
    }

    /// <summary>Counts a dropped data packet under its reason and as lost.</summary>
    private static PeerRef DropData(ref long reason, DriverState* s)
    {
        Interlocked.Increment(ref reason);
        Interlocked.Increment(ref s->Stats.Abi.LostInDataPackets);
        return PeerRef.None;
    }

    /// <summary>
    /// MP anti-spoofing: the inner source address must route back to the peer it came from (its VPN address or one
    /// of its iroutes, longest prefix), as OpenVPN's server requires.
    /// </summary>
    private static bool SourceBelongsTo(DriverState* s, Peer* p, ReadOnlySpan<byte> ip, int version)
    {
        PeerRef owner = PeerRef.None;
        fixed (byte* b = ip)
        {
            if (version == 4 && ip.Length >= 20)
                owner = Routes<TPlatform>.Lookup(ref s->Routes, WinAddressFamily.Inet, b + 12);
            else if (version == 6 && ip.Length >= 40)
                owner = Routes<TPlatform>.Lookup(ref s->Routes, WinAddressFamily.Inet6, b + 8);
        }
        return owner.Same(p->Self);
    }

    /// <summary>
    /// MP: an authenticated packet (never cipher NONE, which MP refuses anyway) came from a new transport address:
    /// move the peer there (FLOAT_PEER event). Takes the lock exclusive and finds the peer again by its reference
    /// (it may have been deleted or moved meanwhile). An address that another peer holds is not taken over: the packet
    /// was delivered, the peer stays where it is and the refusal is counted (FloatRefused).
    /// </summary>
    private static void FloatPeer(DriverState* s, PeerRef peer, in SockAddrInet from)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        Peer* p = Resolve(s, peer);
        if (p != null)
            CheckFloat(s, p, from);
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    private static void CheckFloat(DriverState* s, Peer* p, in SockAddrInet from)
    {
        var newKey = TableKey.ForRemote(from);
        var oldKey = TableKey.ForRemote(p->Remote);
        if (newKey.Same(oldKey))
            return;
        PeerRef holder = PeerTableOps<TPlatform>.Find(ref s->ByRemote, newKey);
        if (!holder.IsNone && !holder.Same(p->Self))
        {
            s->Stats.FloatRefused++;
            DriverTrace<TPlatform>.PeerFloatRefused(p->PeerId);
            return;
        }
        if (!PeerTableOps<TPlatform>.Set(ref s->ByRemote, newKey, p->Self, out _).IsSuccess())
            return;
        PeerTableOps<TPlatform>.Remove(ref s->ByRemote, oldKey, p->Self);
        p->Remote = from;
        s->Stats.Floats++;
        var address = from;
        PushEvent(s, OvpnNotifyCmd.FloatPeer, p->PeerId, OvpnDelPeerReason.Teardown, &address);
    }

    /// <summary>
    /// An IP packet from the adapter (writable: MSS clamping edits it in place). Returns the status of the send
    /// (INTEGER_OVERFLOW when the key is out of packet ids). Device lock shared; a key that just ran out of packet
    /// ids is reported to user space afterwards, with the lock exclusive.
    /// </summary>
    [Irql(KIrql.Dispatch)]
    public static NtStatus OnAdapterTransmit(DriverState* s, Span<byte> ipPacket)
    {
        byte irql = TPlatform.LockAcquireShared(ref s->Lock);
        var tx = new Tally();
        var status = Transmit(s, ipPacket, TPlatform.NowMs(), ref tx, out PeerRef exhausted);
        Tally.Flush(ref tx, &MyCounters(s)->Tx);
        TPlatform.LockReleaseShared(ref s->Lock, irql);
        if (!exhausted.IsNone)
            NotifyExhausted(s, exhausted);
        return status;
    }

    /// <summary>A key of <paramref name="peer"/> ran out of packet ids on the shared side: tell user space (exclusive).</summary>
    private static void NotifyExhausted(DriverState* s, PeerRef peer)
    {
        byte irql = TPlatform.LockAcquire(ref s->Lock);
        Peer* p = Resolve(s, peer);
        if (p != null)
            NotifyRekey(s, p);
        TPlatform.LockRelease(ref s->Lock, irql);
    }

    private static NtStatus Transmit(DriverState* s, Span<byte> ip, long now, ref Tally tx, out PeerRef exhausted)
    {
        exhausted = PeerRef.None;
        if (ip.Length == 0 || ip.Length > Proto.MaxPlaintext)
        {
            Interlocked.Increment(ref s->Stats.TxTooLarge);
            Interlocked.Increment(ref s->Stats.Abi.LostOutDataPackets);
            return NtStatus.InvalidBufferSize;
        }
        Peer* p;
        if (s->Mode == OvpnMode.P2P)
        {
            p = P2pPeer(s);
        }
        else
        {
            int version = ip[0] >> 4;
            PeerRef route = PeerRef.None;
            fixed (byte* b = ip)
            {
                if (version == 4 && ip.Length >= 20)
                    route = Routes<TPlatform>.Lookup(ref s->Routes, WinAddressFamily.Inet, b + 16);
                else if (version == 6 && ip.Length >= 40)
                    route = Routes<TPlatform>.Lookup(ref s->Routes, WinAddressFamily.Inet6, b + 24);
            }
            p = Resolve(s, route); // a route that outlived its peer resolves to null: dropped, never a freed peer
        }
        if (p == null || p->Connecting != 0)
        {
            Interlocked.Increment(ref s->Stats.TxNoRoute);
            Interlocked.Increment(ref s->Stats.Abi.LostOutDataPackets);
            return NtStatus.HostUnreachable;
        }
        if (p->Mss > 0 && MssClamp.Apply(ip, p->Mss))
            Interlocked.Increment(ref s->Stats.MssClamped);
        var status = SendData(s, p, ip, now, ref tx);
        if (status.IsSuccess())
        {
            Interlocked.Add(ref p->VpnTxBytes, ip.Length);
            tx.TunBytes += ip.Length;
        }
        else if (status == NtStatus.IntegerOverflow)
        {
            exhausted = p->Self;
        }
        return status;
    }

    /// <summary>
    /// Seals <paramref name="payload"/> with the peer's primary key and sends it (data or keepalive ping). Runs with
    /// the device lock shared (tx) or exclusive (the timer's pings): everything it changes is atomic. Returns
    /// INTEGER_OVERFLOW when the key is out of packet ids (the caller tells user space, lock exclusive).
    /// <paramref name="now"/> is the caller's clock reading (one per batch); what is sent is counted in <paramref name="tx"/>.
    /// </summary>
    private static NtStatus SendData(DriverState* s, Peer* p, ReadOnlySpan<byte> payload, long now, ref Tally tx)
    {
        // Sealed in place into the transport's buffer, which the send hands over: no copy on the stack.
        int prefix = p->Proto == OvpnProto.Tcp ? TcpFraming.PrefixSize : 0;
        int size = prefix + Proto.MaxOverhead + payload.Length;
        byte* buffer = TPlatform.TransportBuffer(s->PlatformContext, size);
        if (buffer == null)
        {
            Interlocked.Increment(ref s->Stats.TxNoBuffer);
            Interlocked.Increment(ref s->Stats.Abi.LostOutDataPackets);
            return NtStatus.InsufficientResources;
        }
        var wire = new Span<byte>(buffer, size);
        int peerId = s->Mode == OvpnMode.MP ? p->PeerId : p->Keys.Primary.TxPeerId;
        int n = CryptoAead<TPlatform>.Seal(ref p->Keys.Primary, peerId, payload, wire.Slice(prefix));
        if (n < 0)
        {
            TPlatform.TransportBufferRelease(s->PlatformContext, buffer);
            Interlocked.Increment(ref s->Stats.Abi.LostOutDataPackets);
            var error = (CryptoError)n;
            if (error == CryptoError.PacketIdExhausted)
            {
                Interlocked.Increment(ref s->Stats.TxPacketIdExhausted);
                return NtStatus.IntegerOverflow;
            }
            if (error == CryptoError.NoKey)
            {
                Interlocked.Increment(ref s->Stats.TxNoKey);
                return NtStatus.InvalidDeviceState;
            }
            Interlocked.Increment(ref s->Stats.TxSendFailed);
            return NtStatus.Unsuccessful;
        }
        if (prefix != 0)
            TcpFraming.WritePrefix(wire, n);
        var status = TPlatform.TransportSend(s->PlatformContext, p->Proto, p->Remote, wire.Slice(0, n + prefix));
        if (!status.IsSuccess())
        {
            Interlocked.Increment(ref s->Stats.TxSendFailed);
            Interlocked.Increment(ref s->Stats.Abi.LostOutDataPackets);
            return status;
        }
        Touch(ref p->LastSentMs, now);
        Interlocked.Add(ref p->LinkTxBytes, n + prefix);
        tx.DataPackets++;
        tx.TransportBytes += n + prefix;
        return NtStatus.Success;
    }
}
