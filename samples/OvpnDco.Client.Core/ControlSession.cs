using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Tls;

namespace OvpnDco.Client;

/// <summary>
/// The client side of one OpenVPN control session (from P_CONTROL_HARD_RESET_CLIENT_V2 to the end of the connection):
/// session ids, the tls-auth/tls-crypt wrapping, and the key states (key id 0 first; the server's
/// P_CONTROL_SOFT_RESET_V1 opens the next). Single-threaded: the caller feeds packets with <see cref="OnPacket"/>
/// and calls <see cref="Pump"/> to send what is due.
/// </summary>
public sealed class ControlSession
{
    /// <summary>Largest TLS payload carried in one P_CONTROL_V1 (OpenVPN's default tls-mtu is 1250 for the whole packet).</summary>
    public const int MaxFragment = 1100;

    private readonly ControlWrap _wrap;
    private readonly Action<byte[]> _send;
    private readonly Func<TlsEndpoint> _newTls;
    private readonly Func<KeyState, byte[]> _keyMethodMessage;
    private readonly Dictionary<byte, KeyState> _keys = new();

    public ControlSession(ControlWrap wrap, Action<byte[]> send, Func<TlsEndpoint> newTls, Func<KeyState, byte[]> keyMethodMessage)
    {
        _wrap = wrap;
        _send = send;
        _newTls = newTls;
        _keyMethodMessage = keyMethodMessage;
        LocalSessionId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    public ulong LocalSessionId { get; }
    public ulong RemoteSessionId { get; private set; }

    /// <summary>The last packet that did not authenticate (tls-crypt/tls-auth), for the failure message.</summary>
    public string? LastUnwrapError { get; private set; }

    /// <summary>Control messages (PUSH_REPLY, AUTH_FAILED, RESTART, …) in arrival order, with the key id that carried them.</summary>
    public Queue<(byte KeyId, string Message)> Messages { get; } = new();

    /// <summary>Key states whose key-method-2 exchange finished and whose keys are not installed yet.</summary>
    public IEnumerable<KeyState> NewlyActive => _keys.Values.Where(k => k.Active && !k.Installed).OrderBy(k => k.Created);

    public KeyState? Key(byte keyId) => _keys.GetValueOrDefault(keyId);

    /// <summary>The newest active key state (where control messages are written).</summary>
    public KeyState? Primary => _keys.Values.Where(k => k.Active).OrderByDescending(k => k.Created).FirstOrDefault();

    public int ControlPacketsReceived { get; private set; }

    /// <summary>Starts the session: key id 0, P_CONTROL_HARD_RESET_CLIENT_V2 (V3 with tls-crypt-v2, which carries the wrapped client key).</summary>
    public KeyState Start(DateTime now)
    {
        byte op = _wrap is TlsCryptWrap { WrappedClientKey: not null } ? Opcode.ControlHardResetClientV3 : Opcode.ControlHardResetClientV2;
        var ks = new KeyState(0, _newTls(), op, now);
        _keys[0] = ks;
        ks.Send.Enqueue(op, Array.Empty<byte>());
        return ks;
    }

    /// <summary>Starts a renegotiation from our side (reneg-sec): a new key state with the next key id (1..7, cyclic)
    /// and P_CONTROL_SOFT_RESET_V1; the server answers with its own soft reset and the TLS handshake follows.</summary>
    public KeyState Renegotiate(DateTime now)
    {
        var newest = _keys.Values.OrderByDescending(k => k.Created).First();
        byte keyId = (byte)(newest.KeyId % 7 + 1);
        _keys.Remove(keyId);
        foreach (var old in _keys.Where(k => (now - k.Value.Created).TotalSeconds > 120 && k.Value != newest).Select(k => k.Key).ToList())
            _keys.Remove(old);
        var ks = new KeyState(keyId, _newTls(), Opcode.ControlSoftResetV1, now);
        _keys[keyId] = ks;
        ks.Send.Enqueue(Opcode.ControlSoftResetV1, Array.Empty<byte>());
        return ks;
    }

    /// <summary>The newest key state (active or still negotiating).</summary>
    public KeyState? Newest => _keys.Values.OrderByDescending(k => k.Created).FirstOrDefault();

    /// <summary>One packet from the device (opcode other than data). Throws <see cref="ClientException"/> on TLS failure.</summary>
    public void OnPacket(byte[] wire, DateTime now)
    {
        if (wire.Length < 1 || !ControlPacket.IsControlOpcode(wire[0] >> 3))
            return;
        var p = _wrap.Unwrap(wire, out var error);
        if (p is null)
        {
            LastUnwrapError = error;
            return;
        }
        ControlPacketsReceived++;
        if (p.Opcode == Opcode.ControlHardResetServerV2 && RemoteSessionId == 0)
            RemoteSessionId = p.SessionId;
        if (p.SessionId != RemoteSessionId)
            return; // another session (an old server instance, or a stray packet)

        if (!_keys.TryGetValue(p.KeyId, out var ks))
        {
            if (p.Opcode != Opcode.ControlSoftResetV1)
                return;
            // The server renegotiates: a new key state with the key id it chose; we answer with our own soft reset.
            ks = new KeyState(p.KeyId, _newTls(), Opcode.ControlSoftResetV1, now);
            _keys[p.KeyId] = ks;
            ks.Send.Enqueue(Opcode.ControlSoftResetV1, Array.Empty<byte>());
            foreach (var old in _keys.Where(k => k.Value != ks && (now - k.Value.Created).TotalSeconds > 120).Select(k => k.Key).ToList())
                _keys.Remove(old);
        }
        if (p.Acks.Count > 0 && p.RemoteSessionId == LocalSessionId)
        {
            foreach (uint id in p.Acks)
                ks.Send.Acknowledge(id);
        }
        if (p.Opcode == Opcode.AckV1)
        {
            StartTlsIfReady(ks);
            return;
        }
        ks.Receive.Receive(p.PacketId, p.Opcode, p.Payload);
        foreach (var (op, payload) in ks.Receive.Deliver())
        {
            switch (op)
            {
                case Opcode.ControlHardResetServerV2:
                case Opcode.ControlSoftResetV1:
                    ks.PeerResetReceived = true;
                    break;
                case Opcode.ControlV1:
                    if (!ks.TlsStarted)
                        break;
                    Guard(ks, () => ks.Tls.Offer(payload));
                    break;
            }
        }
        StartTlsIfReady(ks);
        AfterTls(ks);
    }

    private void StartTlsIfReady(KeyState ks)
    {
        if (ks.TlsStarted || !ks.PeerResetReceived || ks.Send.Pending > 0)
            return;
        ks.TlsStarted = true;
        Guard(ks, ks.Tls.Start);
    }

    private void AfterTls(KeyState ks)
    {
        if (!ks.TlsStarted)
            return;
        if (ks.Tls.HandshakeComplete && !ks.KeyMethodSent)
        {
            ks.KeyMethodSent = true;
            Guard(ks, () => ks.Tls.Write(_keyMethodMessage(ks)));
        }
        var plain = ks.Tls.TakePlaintext();
        if (plain.Length == 0)
            return;
        ks.Plaintext.AddRange(plain);
        if (ks.ServerKeyMethod is null)
        {
            var m = KeyMethod2.DecodeServer(ks.Plaintext.ToArray());
            if (m is null)
                return;
            ks.ServerKeyMethod = m;
            ks.Plaintext.RemoveRange(0, m.Length);
        }
        int nul;
        while ((nul = ks.Plaintext.IndexOf(0)) >= 0)
        {
            string message = Encoding.UTF8.GetString(ks.Plaintext.GetRange(0, nul).ToArray());
            ks.Plaintext.RemoveRange(0, nul + 1);
            if (message.Length > 0)
                Messages.Enqueue((ks.KeyId, message));
        }
    }

    /// <summary>Writes a control message (NUL-terminated, as OpenVPN does) on the newest active key state.</summary>
    public bool SendMessage(string message)
    {
        var ks = Primary;
        if (ks is null)
            return false;
        var bytes = Encoding.UTF8.GetBytes(message + "\0");
        Guard(ks, () => ks.Tls.Write(bytes));
        return true;
    }

    /// <summary>Moves TLS output into the reliability layer and sends what is due: new packets, retransmissions, ACKs.</summary>
    public void Pump(DateTime now)
    {
        foreach (var ks in _keys.Values.OrderBy(k => k.Created))
        {
            if (ks.TlsStarted)
            {
                var output = ks.Tls.TakeOutput();
                for (int o = 0; o < output.Length; o += MaxFragment)
                    ks.Send.Enqueue(Opcode.ControlV1, output.AsSpan(o, Math.Min(MaxFragment, output.Length - o)).ToArray());
            }
            foreach (var (id, op, payload) in ks.Send.Due(now))
            {
                var p = NewPacket(ks, op);
                p.PacketId = id;
                p.Payload = payload;
                _send(_wrap.Wrap(p));
            }
            if (ks.Receive.AcksPending > 0 && RemoteSessionId != 0)
                _send(_wrap.Wrap(NewPacket(ks, Opcode.AckV1)));
        }
    }

    /// <summary>When <see cref="Pump"/> should run next for retransmissions.</summary>
    public DateTime NextDue => _keys.Count == 0 ? DateTime.MaxValue : _keys.Values.Min(k => k.Send.NextDue);

    /// <summary>True when nothing we sent waits for an acknowledgement.</summary>
    public bool AllAcknowledged => _keys.Values.All(k => k.Send.Pending == 0);

    private ControlPacket NewPacket(KeyState ks, byte op)
    {
        var p = new ControlPacket { Opcode = op, KeyId = ks.KeyId, SessionId = LocalSessionId, RemoteSessionId = RemoteSessionId };
        if (RemoteSessionId != 0)
            p.Acks.AddRange(ks.Receive.TakeAcks(op == Opcode.AckV1 ? ControlPacket.MaxAcks : 4));
        return p;
    }

    private static void Guard(KeyState ks, Action action)
    {
        try
        {
            action();
        }
        catch (TlsFatalAlertReceived e)
        {
            throw new ClientException($"TLS error: the server sent alert '{AlertDescription.GetText(e.AlertDescription)}'" +
                (e.AlertDescription is AlertDescription.bad_certificate or AlertDescription.unknown_ca or AlertDescription.certificate_expired
                    or AlertDescription.certificate_unknown or AlertDescription.decrypt_error ? " (it refused our certificate)" : string.Empty), 4);
        }
        catch (TlsFatalAlert e)
        {
            if (ks.Tls.VerifyError is { } why)
                throw new ClientException($"server certificate verification failed: {why}", 4) { Permanent = true };
            throw new ClientException($"TLS error: {AlertDescription.GetText(e.AlertDescription)}{(e.Message is { Length: > 0 } m ? ": " + m : string.Empty)}", 4);
        }
        catch (System.IO.IOException e)
        {
            throw new ClientException($"TLS error: {e.Message}", 4);
        }
    }
}
