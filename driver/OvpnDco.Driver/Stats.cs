using OvpnDco.Uapi;

namespace OvpnDco.Driver;

/// <summary>
/// Device counters: the ABI's <see cref="OvpnStats"/> (every field maintained, including SentDataPackets and
/// SentControlPackets that upstream never increments) plus our own drop reasons, which never enter the ABI struct.
/// Updated under the device lock.
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

    /// <summary>MP: inner source address not routed to the sending peer (dropped, not counted lost).</summary>
    public long BadSourceAddress;

    // tx drops (each also counts in Abi.LostOutDataPackets)
    public long TxNoKey;
    public long TxNoRoute;
    public long TxTooLarge;
    public long TxPacketIdExhausted;
    public long TxSendFailed;

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
