using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using OvpnDco.Runtime.Uapi;
using OvpnDco.Uapi;
using OvpnDco.Uapi.Client;

namespace OvpnDco.Client;

/// <summary>
/// The OpenVPN client on a DCO device, in the order OpenVPN's dco_win.c uses it: NEW_PEER (the driver owns the
/// socket; TCP completes when connected) → control channel through the device's Read/Write → after key method 2 and
/// PUSH_REPLY: NEW_KEY (primary, key id 0, pushed peer id) → SET_PEER (pushed ping/ping-restart) → START_VPN →
/// adapter address. Renegotiations go to the secondary slot, then SWAP_KEYS. A keepalive timeout (or TCP close,
/// RESTART) → DEL_PEER and a fresh session on the same device; SIGINT/SIGTERM → EXIT over the control channel, DEL_PEER.
/// </summary>
public sealed class OvpnClient
{
    public const string Version = "2.6.14";

    private readonly ClientConfig _config;
    private readonly TlsSettings _tls;
    private readonly DcoDevice _device;
    private readonly string? _interfaceName;
    private readonly Action<string> _log;
    private bool _vpnStarted;
    private PushReply? _lastPush;

    /// <param name="tls">Credentials loaded with <see cref="TlsSettings.From"/> before the device is opened (so key and
    /// certificate errors are reported without touching it); null loads them here.</param>
    public OvpnClient(ClientConfig config, DcoDevice device, string? interfaceName, Action<string> log, TlsSettings? tls = null)
    {
        _config = config;
        _tls = tls ?? TlsSettings.From(config);
        _ = ControlWrap.From(config); // key files are checked before anything is sent
        _device = device;
        _interfaceName = interfaceName;
        _log = log;
    }

    /// <summary>Renegotiations installed (secondary + swap) since start.</summary>
    public int Renegotiations { get; private set; }

    private enum Outcome { Stopped, Reconnect }

    private sealed record Inbound(byte[]? Packet, NtStatus Status);

    /// <summary>Runs until stopped (0) or a permanent failure (throws <see cref="ClientException"/>).</summary>
    public int Run(CancellationToken stop)
    {
        int attempt = 0;
        int delay = Math.Max(1, _config.ConnectRetry);
        string? lastError = null;
        while (!stop.IsCancellationRequested)
        {
            var (host, port, proto) = _config.Remotes[attempt % _config.Remotes.Count];
            attempt++;
            try
            {
                var outcome = Connect(host, port, proto ?? _config.Proto, stop);
                if (outcome == Outcome.Stopped)
                    return 0;
                delay = Math.Max(1, _config.ConnectRetry);
                lastError = null;
                continue; // reconnect at once, as OpenVPN does after ping-restart
            }
            catch (ClientException e) when (!e.Permanent)
            {
                lastError = e.Message;
                _log(e.Message);
                if (_config.ConnectAttempts is int max && attempt >= max)
                    throw new ClientException($"giving up after {attempt} attempt{(attempt == 1 ? "" : "s")}: {e.Message}", e.ExitCode);
            }
            TryDelPeer();
            _log($"retrying in {delay} s");
            if (stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(delay)))
                break;
            delay = Math.Min(delay * 2, _config.ConnectRetryMaxDelay);
        }
        _ = lastError;
        return 0;
    }

    private Outcome Connect(string host, int port, TransportProto proto, CancellationToken stop)
    {
        var remote = new IPEndPoint(Resolve(host), port);
        var local = new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var dproto = proto == TransportProto.Tcp ? OvpnProto.Tcp : OvpnProto.Udp;
        _log($"connecting to {remote} over {(proto == TransportProto.Tcp ? "tcp" : "udp")}");

        // NEW_PEER: the driver opens the socket (TCP: the request completes once connected).
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(_config.HandWindow));
            try
            {
                _device.NewPeerAsync(local, remote, dproto, connectTimeout.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                if (stop.IsCancellationRequested)
                    return Outcome.Stopped;
                throw new ClientException($"TCP connection to {remote} timed out");
            }
            catch (DcoException e)
            {
                throw new ClientException($"cannot connect to {remote}: {e.Status} (NTSTATUS 0x{(uint)e.Status:X8})");
            }
        }

        // Not linked to stop: after SIGINT/SIGTERM the reader must still deliver the server's ACK of our EXIT.
        using var sessionEnd = new CancellationTokenSource();
        var inbound = new BlockingCollection<Inbound>();
        var reader = Task.Run(() => ReadLoop(inbound, sessionEnd.Token));
        try
        {
            return RunSession(remote, proto, inbound, stop);
        }
        finally
        {
            sessionEnd.Cancel();
            TryDelPeer();
            reader.Wait(TimeSpan.FromSeconds(3));
        }
    }

    private Outcome RunSession(IPEndPoint remote, TransportProto proto, BlockingCollection<Inbound> inbound, CancellationToken stop)
    {
        var wrap = ControlWrap.From(_config);
        string options = KeyMethod2.OptionsString(_config, proto);
        string peerInfo = KeyMethod2.PeerInfo(_config, Version);
        var session = new ControlSession(wrap, Send, () => new TlsEndpoint(_tls),
            ks => KeyMethod2.EncodeClient(ks.Source, options, _config.AuthUserPass, peerInfo));
        var started = DateTime.UtcNow;
        session.Start(started);
        session.Pump(started);

        PushReply? push = null;
        bool pushComplete = false;
        DateTime nextPushRequest = DateTime.MinValue;
        bool tunnelUp = false;
        bool ccExit = false;

        while (true)
        {
            var now = DateTime.UtcNow;
            if (stop.IsCancellationRequested)
            {
                if (tunnelUp && ccExit)
                {
                    // explicit-exit-notify over the control channel (IV_PROTO_CC_EXIT_NOTIFY): the server frees our slot at once.
                    session.SendMessage("EXIT");
                    session.Pump(now);
                    var until = now.AddSeconds(2);
                    while (!session.AllAcknowledged && DateTime.UtcNow < until)
                    {
                        if (inbound.TryTake(out var item, 100) && item.Packet is not null)
                            session.OnPacket(item.Packet, DateTime.UtcNow);
                        session.Pump(DateTime.UtcNow);
                    }
                    _log("sent EXIT to the server");
                }
                return Outcome.Stopped;
            }
            if (!tunnelUp && (now - started).TotalSeconds > _config.HandWindow)
            {
                string why = session.RemoteSessionId == 0
                    ? session.LastUnwrapError is { } e
                        ? $"no valid answer from {remote} ({e})"
                        : $"no answer from {remote} (server down, firewall, or a tls-crypt/tls-auth key the server does not accept)"
                    : $"the TLS handshake with {remote} did not complete";
                throw new ClientException($"TLS handshake failed within {_config.HandWindow} s: {why}", 4);
            }

            int wait = (int)Math.Clamp((session.NextDue - now).TotalMilliseconds, 0, 200);
            if (inbound.TryTake(out var received, wait))
            {
                if (received.Packet is null)
                {
                    if (received.Status == NtStatus.ConnectionDisconnected)
                    {
                        _log($"keepalive timeout: nothing from the server for {_lastPush?.PingRestart ?? _config.PingRestart} s (ping-restart), restarting");
                        return Outcome.Reconnect;
                    }
                    if (received.Status == NtStatus.ConnectionAborted)
                    {
                        _log("the server closed the TCP connection, restarting");
                        if (!tunnelUp)
                            throw new ClientException($"the server closed the TCP connection during the handshake");
                        return Outcome.Reconnect;
                    }
                    throw new ClientException($"reading control packets failed: {received.Status}", 2);
                }
                session.OnPacket(received.Packet, DateTime.UtcNow);
                while (inbound.TryTake(out var more) && more.Packet is not null)
                    session.OnPacket(more.Packet, DateTime.UtcNow);
            }
            now = DateTime.UtcNow;

            // Key 0 is through: ask for the configuration until it comes (the server may be waiting for auth).
            var primary = session.Key(0);
            if (!tunnelUp && primary is { Active: true } && !pushComplete && now >= nextPushRequest)
            {
                session.SendMessage("PUSH_REQUEST");
                nextPushRequest = now.AddSeconds(5);
            }

            while (session.Messages.TryDequeue(out var msg))
            {
                var (keyId, text) = msg;
                if (text.StartsWith("PUSH_REPLY", StringComparison.Ordinal))
                {
                    if (pushComplete)
                        continue;
                    push ??= new PushReply();
                    if (push.Merge(text))
                    {
                        pushComplete = true;
                        _log($"PUSH_REPLY: ifconfig {push.Address}/{push.PrefixLength} topology {push.Topology} peer-id {push.PeerId} cipher {push.Cipher} ping {push.Ping} ping-restart {push.PingRestart} key-derivation {(push.KeyDerivationEkm ? "tls-ekm" : "prf")}");
                        ccExit = push.ProtocolFlags.Contains("cc-exit");
                    }
                }
                else if (text.StartsWith("AUTH_FAILED", StringComparison.Ordinal))
                {
                    throw new ClientException($"the server refused us: {text}", 4) { Permanent = true };
                }
                else if (text.StartsWith("RESTART", StringComparison.Ordinal))
                {
                    _log($"the server asks for a restart ({text})");
                    return Outcome.Reconnect;
                }
                else if (text.StartsWith("HALT", StringComparison.Ordinal))
                {
                    throw new ClientException($"the server halted us ({text})", 4) { Permanent = true };
                }
                else
                {
                    _log($"control message ignored: {text}");
                }
                _ = keyId;
            }

            if (pushComplete && !tunnelUp)
            {
                InstallFirstKey(session, push!);
                tunnelUp = true;
                _log("Initialization Sequence Completed");
            }
            else if (tunnelUp)
            {
                var fresh = session.NewlyActive.ToList();
                if (fresh.Count > 0)
                {
                    // OpenVPN's server derives a new key only once its key-method-2 message is acknowledged
                    // (S_ACTIVE → S_GENERATED_KEYS): our ACK must be on the wire before the first data packet
                    // under the new key, or the server drops those packets.
                    session.Pump(now);
                }
                foreach (var ks in fresh)
                    InstallRenegotiatedKey(session, ks, push!);
                if (session.Newest is { Active: false } pending && (now - pending.Created).TotalSeconds > _config.HandWindow)
                {
                    _log($"renegotiation of key id {pending.KeyId} did not complete within {_config.HandWindow} s (hand-window), restarting");
                    return Outcome.Reconnect;
                }
                // reneg-sec on our side: renegotiate when the newest key is that old (the server's own reneg-sec also works).
                if (_config.RenegSec > 0 && session.Newest is { Active: true } newest && (now - newest.Created).TotalSeconds >= _config.RenegSec)
                {
                    var ks = session.Renegotiate(now);
                    _log($"reneg-sec {_config.RenegSec}: renegotiating, key id {ks.KeyId}");
                }
            }
            session.Pump(now);
        }
    }

    private void InstallFirstKey(ControlSession session, PushReply push)
    {
        var ks = session.Key(0)!;
        if (push.PeerId is not int peerId)
            throw new ClientException("the server pushed no peer-id: P_DATA_V1 servers (OpenVPN before 2.4) are not supported by the DCO device", 4) { Permanent = true };
        string cipher = push.Cipher ?? _config.DataCiphers[0];
        if (!_config.DataCiphers.Contains(cipher.ToUpperInvariant()))
            throw new ClientException($"the server pushed cipher {cipher}, which is not in our data-ciphers", 4) { Permanent = true };
        var data = DataKeys.ToCryptoData(Material(session, ks, push), cipher, OvpnKeySlot.Primary, ks.KeyId, peerId);
        try
        {
            _device.NewKey(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref data, 1)));
        }
        ks.Installed = true;
        int ping = push.Ping ?? _config.Ping;
        int restart = push.PingRestart ?? _config.PingRestart;
        _device.SetPeer(ping, restart, 0);
        _device.StartVpn();
        if (!_vpnStarted || !SameAddress(_lastPush, push))
            Adapter.Configure(_interfaceName, push, _log);
        _vpnStarted = true;
        _lastPush = push;
        _log($"data channel: {cipher}, key id {ks.KeyId}, peer id {peerId}, keepalive {ping}/{restart} s, TLS {ks.Tls.NegotiatedVersion}, server '{ks.Tls.ServerSubject}'");
    }

    private void InstallRenegotiatedKey(ControlSession session, KeyState ks, PushReply push)
    {
        string cipher = push.Cipher ?? _config.DataCiphers[0];
        var data = DataKeys.ToCryptoData(Material(session, ks, push), cipher, OvpnKeySlot.Secondary, ks.KeyId, push.PeerId!.Value);
        try
        {
            _device.NewKey(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref data, 1)));
        }
        _device.SwapKeys();
        ks.Installed = true;
        Renegotiations++;
        _log($"renegotiated: key id {ks.KeyId} installed in the secondary slot and swapped to primary (TLS {ks.Tls.NegotiatedVersion})");
    }

    private static byte[] Material(ControlSession session, KeyState ks, PushReply push)
        => push.KeyDerivationEkm
            ? ks.Tls.Export(DataKeys.ExporterLabel, DataKeys.Size)
            : DataKeys.OpenVpnPrf(ks.Source, ks.ServerKeyMethod!, session.LocalSessionId, session.RemoteSessionId);

    private static bool SameAddress(PushReply? a, PushReply b)
        => a is not null && Equals(a.Address, b.Address) && Equals(a.NetmaskOrPeer, b.NetmaskOrPeer) && a.Topology == b.Topology
            && Equals(a.Address6, b.Address6) && a.Prefix6 == b.Prefix6;

    private void Send(byte[] packet)
    {
        try
        {
            _device.WriteControlPacketAsync(packet).AsTask().GetAwaiter().GetResult();
        }
        catch (DcoException e)
        {
            _log($"sending a control packet failed: {e.Status}");
        }
    }

    private void ReadLoop(BlockingCollection<Inbound> inbound, CancellationToken token)
    {
        var buffer = new byte[UapiLimits.ControlReadBufferSize];
        while (!token.IsCancellationRequested)
        {
            try
            {
                int n = _device.ReadControlPacketAsync(buffer, token).AsTask().GetAwaiter().GetResult();
                inbound.Add(new Inbound(buffer.AsSpan(0, n).ToArray(), NtStatus.Success));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (DcoException e) when (e.Status == NtStatus.Cancelled)
            {
                return;
            }
            catch (DcoException e)
            {
                inbound.Add(new Inbound(null, e.Status));
                if (e.Status is NtStatus.ConnectionDisconnected or NtStatus.ConnectionAborted)
                    return;
                Thread.Sleep(100);
            }
        }
    }

    private void TryDelPeer()
    {
        try
        {
            _device.DelPeer();
        }
        catch (DcoException)
        {
            // DEL_PEER always succeeds upstream; nothing to do when the device is gone.
        }
    }

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address))
            return address;
        try
        {
            var all = Dns.GetHostAddresses(host);
            return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.First();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new ClientException($"cannot resolve '{host}': {e.Message}");
        }
    }

    internal static string Format(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
