using System;
using System.Collections.Generic;

namespace OvpnDco.Client;

/// <summary>
/// The sending half of OpenVPN's reliability layer for one key state: packet ids from 0, at most
/// <see cref="Window"/> packets in flight, each retransmitted until acknowledged with an exponential backoff
/// (<see cref="InitialTimeout"/> doubling up to <see cref="MaxTimeout"/>).
/// </summary>
public sealed class ReliableSender
{
    public const int Window = 6;
    public static readonly TimeSpan InitialTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(8);

    private sealed class Entry
    {
        public required uint Id;
        public required byte Opcode;
        public required byte[] Payload;
        public DateTime Due;
        public TimeSpan Timeout;
        public bool Sent;
        public int Transmissions;
    }

    private readonly List<Entry> _entries = new();   // unacknowledged, in packet id order
    private uint _nextId;

    /// <summary>Packets waiting for an acknowledgement (sent or not yet sent).</summary>
    public int Pending => _entries.Count;

    /// <summary>Total (re)transmissions so far (for logs and tests).</summary>
    public int Retransmissions { get; private set; }

    /// <summary>Queues a packet; it gets the next packet id.</summary>
    public uint Enqueue(byte opcode, byte[] payload)
    {
        uint id = _nextId++;
        _entries.Add(new Entry { Id = id, Opcode = opcode, Payload = payload, Timeout = InitialTimeout });
        return id;
    }

    /// <summary>An acknowledgement: the packet leaves the window.</summary>
    public bool Acknowledge(uint id) => _entries.RemoveAll(e => e.Id == id) > 0;

    /// <summary>The packets to (re)send now, in id order, within the window; marks them sent and schedules their next try.</summary>
    public List<(uint Id, byte Opcode, byte[] Payload)> Due(DateTime now)
    {
        var result = new List<(uint, byte, byte[])>();
        if (_entries.Count == 0)
            return result;
        uint limit = _entries[0].Id + Window;
        foreach (var e in _entries)
        {
            if (e.Id >= limit)
                break;
            if (e.Sent && now < e.Due)
                continue;
            if (e.Sent)
            {
                Retransmissions++;
                e.Timeout = e.Timeout * 2 > MaxTimeout ? MaxTimeout : e.Timeout * 2;
            }
            e.Sent = true;
            e.Transmissions++;
            e.Due = now + e.Timeout;
            result.Add((e.Id, e.Opcode, e.Payload));
        }
        return result;
    }

    /// <summary>When the next retransmission is due (DateTime.MaxValue: nothing outstanding).</summary>
    public DateTime NextDue
    {
        get
        {
            var next = DateTime.MaxValue;
            if (_entries.Count == 0)
                return next;
            uint limit = _entries[0].Id + Window;
            foreach (var e in _entries)
            {
                if (e.Id >= limit)
                    break;
                var due = e.Sent ? e.Due : DateTime.MinValue;
                if (due < next)
                    next = due;
            }
            return next;
        }
    }
}

/// <summary>
/// The receiving half: accepts packet ids within <see cref="Window"/> of the next expected one, buffers what comes
/// early, hands out payloads in order, and records which ids to acknowledge (also duplicates, whose ACK was lost).
/// </summary>
public sealed class ReliableReceiver
{
    public const int Window = 8;
    private readonly Dictionary<uint, (byte Opcode, byte[] Payload)> _early = new();
    private readonly List<uint> _toAck = new();
    private uint _expected;

    /// <summary>The next packet id to deliver.</summary>
    public uint Expected => _expected;

    /// <summary>Ids to acknowledge, oldest first.</summary>
    public int AcksPending => _toAck.Count;

    /// <summary>A received packet. Returns false when it is outside the window (dropped, not acknowledged: the peer resends).</summary>
    public bool Receive(uint id, byte opcode, byte[] payload)
    {
        if (id >= _expected + Window)
            return false; // beyond the window
        if (!_toAck.Contains(id))
            _toAck.Add(id);
        if (id >= _expected)
            _early.TryAdd(id, (opcode, payload));
        return true;
    }

    /// <summary>The payloads now deliverable in order.</summary>
    public List<(byte Opcode, byte[] Payload)> Deliver()
    {
        var result = new List<(byte, byte[])>();
        while (_early.Remove(_expected, out var p))
        {
            result.Add(p);
            _expected++;
        }
        return result;
    }

    /// <summary>Takes up to <paramref name="max"/> ids to acknowledge.</summary>
    public List<uint> TakeAcks(int max = ControlPacket.MaxAcks)
    {
        int n = Math.Min(max, _toAck.Count);
        var result = _toAck.GetRange(0, n);
        _toAck.RemoveRange(0, n);
        return result;
    }
}
