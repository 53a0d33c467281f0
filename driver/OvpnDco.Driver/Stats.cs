using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// The counters one direction of the data path changes on every packet, alone on their cache line (24 bytes of
/// counters + 104 of padding, so whatever the alignment the next counters are more than a line away).
/// </summary>
public unsafe struct DirectionCounters
{
    /// <summary>Data packets (ABI ReceivedDataPackets / SentDataPackets, truncated to 32 bits on GET_STATS).</summary>
    public long DataPackets;
    public long TransportBytes;
    public long TunBytes;
    private fixed long _padding[13];
}

/// <summary>
/// What one call or batch of the data path adds to one direction's <see cref="DirectionCounters"/>: counted plainly in
/// a local while the packets run, then added to the CPU's slot in one go (<see cref="Flush"/>), so a batch pays three
/// atomic adds instead of three per packet. Flushed before the device lock is released, so a reset of the counters
/// (lock exclusive) never meets a half-counted batch.
/// </summary>
public struct Tally
{
    public long DataPackets;
    public long TransportBytes;
    public long TunBytes;

    public static unsafe void Flush(ref Tally tally, DirectionCounters* counters)
    {
        if (tally.DataPackets != 0)
            System.Threading.Interlocked.Add(ref counters->DataPackets, tally.DataPackets);
        if (tally.TransportBytes != 0)
            System.Threading.Interlocked.Add(ref counters->TransportBytes, tally.TransportBytes);
        if (tally.TunBytes != 0)
            System.Threading.Interlocked.Add(ref counters->TunBytes, tally.TunBytes);
        tally = default;
    }
}

/// <summary>
/// One CPU slot of the per-packet counters (<see cref="DriverState.PerCpu"/>, <see cref="Proto.CpuSlots"/> of them):
/// CPUs that run the data path at once write their own lines, and rx and tx of one slot write different lines.
/// </summary>
public struct CpuCounters
{
    public DirectionCounters Rx;
    public DirectionCounters Tx;
}

/// <summary>
/// Device counters: the ABI's <see cref="OvpnStats"/> (every field maintained, including SentDataPackets and
/// SentControlPackets that upstream never increments; the per-packet ones live in the per-CPU
/// <see cref="CpuCounters"/> and are summed by GET_STATS) plus our own drop reasons, which never enter the ABI struct.
/// Changed atomically on the data path (device lock shared), plainly under the exclusive lock.
/// </summary>
public struct DriverStats
{
    public OvpnStats Abi;

    // rx data drops (each also counts in Abi.LostInDataPackets)
    public long ReplayDuplicate;
    public long ReplayTooOld;
    public long ReplayZeroId;
    public long AuthFailed;
    public long Truncated;
    public long NoPeer;
    public long NoKey;
    public long NotIp;

    /// <summary>The platform had no adapter buffer to decrypt into.</summary>
    public long NoBuffer;

    /// <summary>MP: inner source address not routed to the sending peer (dropped, not counted lost).</summary>
    public long BadSourceAddress;

    // tx drops (each also counts in Abi.LostOutDataPackets)
    public long TxNoKey;
    public long TxNoRoute;
    public long TxTooLarge;
    public long TxPacketIdExhausted;
    public long TxSendFailed;

    /// <summary>The platform had no transport buffer to seal into.</summary>
    public long TxNoBuffer;

    // other events
    public long PingsSent;
    public long PingsReceived;
    public long TcpBadLength;
    public long ControlQueueFull;
    public long ControlReadTooSmall;
    public long EventsLost;
    public long MssClamped;
    public long Floats;

    /// <summary>Authenticated packets from a transport address that another peer holds (no float).</summary>
    public long FloatRefused;

    /// <summary>Packets whose opcode is neither DATA_V2 nor a control opcode (dropped, not queued to user space).</summary>
    public long BadOpcode;
    public long KeepaliveExpired;
}

/// <summary>The ABI view of the device counters.</summary>
public static unsafe class DriverStatsView
{
    /// <summary>The ABI struct with the per-CPU counters summed in (the caller holds the device lock exclusive).</summary>
    public static OvpnStats Abi(in DriverStats stats, CpuCounters* perCpu)
    {
        var abi = stats.Abi;
        long rxPackets = 0;
        long txPackets = 0;
        for (int i = 0; i < Proto.CpuSlots; i++)
        {
            CpuCounters* c = perCpu + i;
            rxPackets += c->Rx.DataPackets;
            abi.TransportBytesReceived += c->Rx.TransportBytes;
            abi.TunBytesReceived += c->Rx.TunBytes;
            txPackets += c->Tx.DataPackets;
            abi.TransportBytesSent += c->Tx.TransportBytes;
            abi.TunBytesSent += c->Tx.TunBytes;
        }
        abi.ReceivedDataPackets = unchecked((int)rxPackets);
        abi.SentDataPackets = unchecked((int)txPackets);
        return abi;
    }
}
