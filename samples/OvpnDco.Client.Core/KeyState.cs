using System;
using System.Collections.Generic;

namespace OvpnDco.Client;

/// <summary>
/// One key state of a control session (OpenVPN's key_state): key id, its own reliability layer (packet ids from 0),
/// its own TLS session, the key-method-2 exchange, then the control messages that follow as NUL-terminated strings.
/// </summary>
public sealed class KeyState
{
    public KeyState(byte keyId, TlsEndpoint tls, byte resetOpcode, DateTime now)
    {
        KeyId = keyId;
        Tls = tls;
        ResetOpcode = resetOpcode;
        Created = now;
    }

    public byte KeyId { get; }
    public byte ResetOpcode { get; }
    public DateTime Created { get; }
    public ReliableSender Send { get; } = new();
    public ReliableReceiver Receive { get; } = new();
    public TlsEndpoint Tls { get; }
    public KeyMethod2.ClientSource Source { get; } = KeyMethod2.ClientSource.Create();

    /// <summary>The peer's reset (hard or soft) was received in order.</summary>
    public bool PeerResetReceived { get; set; }
    public bool TlsStarted { get; set; }
    public bool KeyMethodSent { get; set; }
    public KeyMethod2.ServerMessage? ServerKeyMethod { get; set; }

    /// <summary>Both key-method-2 messages are through: the data keys can be derived.</summary>
    public bool Active => ServerKeyMethod is not null;

    /// <summary>Set once the data keys went to the driver.</summary>
    public bool Installed { get; set; }

    /// <summary>TLS plaintext received and not yet consumed.</summary>
    public List<byte> Plaintext { get; } = new();
}
