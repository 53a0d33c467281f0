using System;
using System.Linq;
using OvpnDco.Client;

namespace OvpnDco.Interop.Tests;

public sealed class ReliableTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Test]
    public void SendsOnceThenRetransmitsWithBackoffUntilAcknowledged()
    {
        var s = new ReliableSender();
        Assert.That(s.Enqueue(4, new byte[] { 1 }), Is.EqualTo(0u));
        Assert.That(s.Due(T0).Select(d => d.Id), Is.EqualTo(new[] { 0u }));
        Assert.That(s.Due(T0.AddMilliseconds(999)), Is.Empty);
        Assert.That(s.Due(T0.AddSeconds(1)).Select(d => d.Id), Is.EqualTo(new[] { 0u }), "first retransmission after 1 s");
        Assert.That(s.Due(T0.AddSeconds(2.9)), Is.Empty, "then 2 s");
        Assert.That(s.Due(T0.AddSeconds(3)), Has.Count.EqualTo(1));
        Assert.That(s.Due(T0.AddSeconds(6.9)), Is.Empty, "then 4 s");
        Assert.That(s.Due(T0.AddSeconds(7)), Has.Count.EqualTo(1));
        Assert.That(s.Due(T0.AddSeconds(15)), Has.Count.EqualTo(1), "then 8 s");
        Assert.That(s.Due(T0.AddSeconds(23)), Has.Count.EqualTo(1), "capped at 8 s");
        Assert.That(s.Retransmissions, Is.EqualTo(5));
        Assert.That(s.Acknowledge(0), Is.True);
        Assert.That(s.Acknowledge(0), Is.False);
        Assert.That(s.Pending, Is.Zero);
        Assert.That(s.Due(T0.AddSeconds(100)), Is.Empty);
    }

    [Test]
    public void KeepsAtMostAWindowInFlight()
    {
        var s = new ReliableSender();
        for (int i = 0; i < 10; i++)
            s.Enqueue(4, new byte[] { (byte)i });
        Assert.That(s.Due(T0).Select(d => d.Id), Is.EqualTo(Enumerable.Range(0, ReliableSender.Window).Select(i => (uint)i)));
        s.Acknowledge(1);
        Assert.That(s.Due(T0.AddMilliseconds(10)), Is.Empty, "the window slides only when its oldest packet is acknowledged");
        s.Acknowledge(0);
        Assert.That(s.Due(T0.AddMilliseconds(20)).Select(d => d.Id), Is.EqualTo(new[] { 6u, 7u }));
    }

    [Test]
    public void ReceiverDeliversInOrderAndAcknowledgesDuplicates()
    {
        var r = new ReliableReceiver();
        Assert.That(r.Receive(1, 4, new byte[] { 1 }), Is.True);
        Assert.That(r.Deliver(), Is.Empty, "1 waits for 0");
        Assert.That(r.Receive(0, 4, new byte[] { 0 }), Is.True);
        Assert.That(r.Deliver().Select(p => p.Payload[0]), Is.EqualTo(new byte[] { 0, 1 }));
        Assert.That(r.TakeAcks(), Is.EqualTo(new[] { 1u, 0u }));
        Assert.That(r.Receive(0, 4, new byte[] { 0 }), Is.True, "a duplicate (our ACK was lost)");
        Assert.That(r.Deliver(), Is.Empty);
        Assert.That(r.TakeAcks(), Is.EqualTo(new[] { 0u }), "…is acknowledged again");
        Assert.That(r.Receive(2 + ReliableReceiver.Window, 4, new byte[1]), Is.False, "beyond the window: dropped, not acknowledged");
        Assert.That(r.AcksPending, Is.Zero);
    }

    [Test]
    public void TakesAtMostEightAcksAtATime()
    {
        var r = new ReliableReceiver();
        for (uint i = 0; i < 8; i++)
            r.Receive(i, 4, new byte[1]);
        r.Deliver();
        for (uint i = 8; i < 12; i++)
            r.Receive(i, 4, new byte[1]);
        Assert.That(r.TakeAcks(), Has.Count.EqualTo(8));
        Assert.That(r.TakeAcks(), Is.EqualTo(new[] { 8u, 9u, 10u, 11u }));
    }

    [Test]
    public void ControlPacketRoundTrip()
    {
        var p = new ControlPacket { Opcode = Opcode.ControlV1, KeyId = 3, SessionId = 0x0102030405060708, RemoteSessionId = 0x1112131415161718, PacketId = 7, Payload = new byte[] { 9, 9 } };
        p.Acks.AddRange(new[] { 5u, 6u });
        var bytes = p.ToBytes();
        Assert.That(bytes[0], Is.EqualTo(4 << 3 | 3));
        Assert.That(bytes.Length, Is.EqualTo(9 + 1 + 8 + 8 + 4 + 2));
        var q = ControlPacket.Parse(bytes.AsSpan(0, 9), bytes.AsSpan(9))!;
        Assert.That((q.Opcode, q.KeyId, q.SessionId, q.RemoteSessionId, q.PacketId), Is.EqualTo((p.Opcode, p.KeyId, p.SessionId, p.RemoteSessionId, p.PacketId)));
        Assert.That(q.Acks, Is.EqualTo(new[] { 5u, 6u }));
        Assert.That(q.Payload, Is.EqualTo(new byte[] { 9, 9 }));
        var ack = new ControlPacket { Opcode = Opcode.AckV1, SessionId = 1, RemoteSessionId = 2 };
        ack.Acks.Add(1);
        Assert.That(ack.ToBytes().Length, Is.EqualTo(9 + 1 + 4 + 8), "P_ACK_V1 has no packet id");
        Assert.That(ControlPacket.Parse(bytes.AsSpan(0, 9), bytes.AsSpan(9, 5)), Is.Null, "truncated");
    }
}
