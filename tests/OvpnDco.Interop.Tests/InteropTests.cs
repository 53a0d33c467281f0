using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace OvpnDco.Interop.Tests;

/// <summary>
/// ovpn-dco-client against an unmodified OpenVPN 2.6 server (/usr/sbin/openvpn, --disable-dco, topology subnet,
/// data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305) in another network namespace.
/// </summary>
[NonParallelizable]
public sealed class InteropTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(45);

    [SetUp]
    public void Require() => InteropSetup.Require();

    private static Pki P => InteropSetup.Pki!;

    [Test]
    public void Tunnel([Values("udp", "tcp")] string proto, [Values("AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305")] string cipher)
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig(proto, P));
        var client = lab.StartClient(Lab.ClientConfig(proto, P, $"data-ciphers {cipher}"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        Assert.That(client.Output, Does.Contain($"data channel: {cipher}"));
        var ping = lab.In(lab.C, $"ping -c 3 -i 0.2 -W 2 {Lab.ServerTunnelIp}");
        Assert.That(ping.ExitCode, Is.Zero, "ping through the tunnel failed:\n" + ping.Stdout + "\nclient:\n" + client.Output + "\nserver:\n" + server.Output);
        server.WaitFor($"Data Channel: cipher '{cipher}', peer-id", TimeSpan.FromSeconds(5));

        lab.Start(lab.S, "iperf3", "-s", "-B", Lab.ServerTunnelIp, "-1");
        System.Threading.Thread.Sleep(500);
        double up = lab.Iperf(3, reverse: false);
        lab.Start(lab.S, "iperf3", "-s", "-B", Lab.ServerTunnelIp, "-1");
        System.Threading.Thread.Sleep(500);
        double down = lab.Iperf(3, reverse: true);
        TestContext.Out.WriteLine($"interop {proto} {cipher}: client→server {up:F0} Mbit/s, server→client {down:F0} Mbit/s");
        Assert.That(up, Is.GreaterThan(1));
        Assert.That(down, Is.GreaterThan(1));

        // Clean exit: EXIT over the control channel (cc-exit), then DEL_PEER; the server sees the exit at once.
        client.Signal(15);
        Assert.That(client.WaitForExit(TimeSpan.FromSeconds(10)), Is.True, "the client did not stop on SIGTERM");
        Assert.That(client.ExitCode, Is.Zero, client.Output);
        server.WaitFor("CC-EEN exit message received", TimeSpan.FromSeconds(10));
    }

    [Test]
    public void TlsCrypt([Values("udp", "tcp")] string proto)
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig(proto, P, $"tls-crypt {P.TlsCryptKey}"));
        var client = lab.StartClient(Lab.ClientConfig(proto, P, $"tls-crypt {P.TlsCryptKey}"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        var ping = lab.In(lab.C, $"ping -c 3 -i 0.2 -W 2 {Lab.ServerTunnelIp}");
        Assert.That(ping.ExitCode, Is.Zero, "ping failed:\n" + client.Output + "\nserver:\n" + server.Output);
    }

    [Test]
    public void Ipv6Transport([Values("udp", "tcp")] string proto)
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig(proto + "6", P));
        var client = lab.StartClient(Lab.ClientConfig(proto, P, remote: "fd99::1"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        Assert.That(client.Output, Does.Contain("connecting to [fd99::1]:1194"));
        Assert.That(lab.In(lab.C, $"ping -c 2 -i 0.2 -W 2 {Lab.ServerTunnelIp}").ExitCode, Is.Zero, client.Output + "\nserver:\n" + server.Output);
    }

    [Test]
    public void PushedIpv6AddressAndRoute()
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig("udp", P, "server-ipv6 fd77:77::/64\npush \"route-ipv6 fd88::/48\""));
        var client = lab.StartClient(Lab.ClientConfig("udp", P));
        client.WaitFor("Initialization Sequence Completed", Connect);
        var ping = lab.In(lab.C, "ping -6 -c 2 -i 0.2 -W 2 fd77:77::1");
        Assert.That(ping.ExitCode, Is.Zero, ping.Stdout + client.Output + "\nserver:\n" + server.Output);
        Assert.That(lab.In(lab.C, "ip -6 route show fd88::/48").Stdout, Does.Contain("dev ovpn-dco0"));
    }

    [Test]
    public void TlsCryptV2([Values("udp", "tcp")] string proto)
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig(proto, P, $"tls-crypt-v2 {P.TlsCryptV2ServerKey}"));
        var client = lab.StartClient(Lab.ClientConfig(proto, P, $"tls-crypt-v2 {P.TlsCryptV2ClientKey}"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        Assert.That(lab.In(lab.C, $"ping -c 2 -i 0.2 -W 2 {Lab.ServerTunnelIp}").ExitCode, Is.Zero, client.Output + "\nserver:\n" + server.Output);
    }

    [Test]
    public void TlsAuth()
    {
        using var lab = new Lab();
        lab.StartServer(Lab.ServerConfig("udp", P, $"tls-auth {P.TlsCryptKey} 0"));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, $"tls-auth {P.TlsCryptKey} 1"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        Assert.That(lab.In(lab.C, $"ping -c 2 -i 0.2 -W 2 {Lab.ServerTunnelIp}").ExitCode, Is.Zero, client.Output);
    }

    [Test]
    public void AuthUserPass([Values(true, false)] bool right)
    {
        using var lab = new Lab();
        string script = Path.Combine(lab.Dir, "check.sh");
        File.WriteAllText(script, "#!/bin/sh\n[ \"$(sed -n 1p \"$1\")\" = alice ] && [ \"$(sed -n 2p \"$1\")\" = 's3cret pw' ]\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string pass = Path.Combine(lab.Dir, "pass.txt");
        File.WriteAllText(pass, right ? "alice\ns3cret pw\n" : "alice\nwrong\n");
        lab.StartServer(Lab.ServerConfig("udp", P, $"script-security 2\nauth-user-pass-verify {script} via-file"));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, $"auth-user-pass {pass}\nconnect-retry-max 1"));
        if (right)
        {
            client.WaitFor("Initialization Sequence Completed", Connect);
            Assert.That(lab.In(lab.C, $"ping -c 2 -i 0.2 -W 2 {Lab.ServerTunnelIp}").ExitCode, Is.Zero, client.Output);
        }
        else
        {
            Assert.That(client.WaitForExit(Connect), Is.True, "the client did not give up:\n" + client.Output);
            Assert.That(client.ExitCode, Is.EqualTo(4), client.Output);
            Assert.That(client.Output, Does.Contain("AUTH_FAILED"));
        }
    }

    [Test]
    public void WrongCaFailsCleanly()
    {
        using var lab = new Lab();
        lab.StartServer(Lab.ServerConfig("udp", P));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, "connect-retry-max 1", ca: P.OtherCa));
        Assert.That(client.WaitForExit(Connect), Is.True, "the client did not give up");
        Assert.That(client.ExitCode, Is.EqualTo(4), client.Output);
        Assert.That(client.Output, Does.Contain("server certificate verification failed").And.Contain("not signed by the configured CA"));
        Assert.That(client.Output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void ExpiredServerCertificateFailsCleanly()
    {
        using var lab = new Lab();
        lab.StartServer(Lab.ServerConfig("udp", P, cert: P.ExpiredServerCert));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, "connect-retry-max 1"));
        Assert.That(client.WaitForExit(Connect), Is.True, "the client did not give up");
        Assert.That(client.ExitCode, Is.EqualTo(4), client.Output);
        Assert.That(client.Output, Does.Contain("expired"));
    }

    [Test]
    public void WrongTlsCryptKeyFailsCleanly()
    {
        using var lab = new Lab();
        lab.StartServer(Lab.ServerConfig("udp", P, $"tls-crypt {P.TlsCryptKey}"));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, $"tls-crypt {P.OtherTlsCryptKey}\nconnect-retry-max 1\nhand-window 8"));
        Assert.That(client.WaitForExit(Connect), Is.True, "the client did not give up");
        Assert.That(client.ExitCode, Is.EqualTo(4), client.Output);
        Assert.That(client.Output, Does.Contain("TLS handshake failed").And.Contain("tls-crypt"));
        Assert.That(client.Output, Does.Not.Contain("Initialization Sequence Completed"));
    }

    [Test]
    public void RenegotiationDuringTraffic([Values("udp", "tcp")] string proto)
    {
        using var lab = new Lab();
        string pcap = Path.Combine(lab.Dir, "rekey.pcap");
        var capture = lab.Start(lab.C, "tshark", "-i", "vC", "-q", "-w", pcap, "-f", "port 1194");
        capture.WaitFor("Capturing on", TimeSpan.FromSeconds(30));
        var server = lab.StartServer(Lab.ServerConfig(proto, P, "reneg-sec 8"));
        var client = lab.StartClient(Lab.ClientConfig(proto, P));
        client.WaitFor("Initialization Sequence Completed", Connect);
        int peerId = int.Parse(Regex.Match(client.Output, @"peer id (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // 24 s of pings every 50 ms across at least two renegotiations.
        var ping = lab.In(lab.C, $"ping -c 480 -i 0.05 -W 1 {Lab.ServerTunnelIp}", 60_000);
        var m = Regex.Match(ping.Stdout, @"(\d+) packets transmitted, (\d+) received");
        Assert.That(m.Success, Is.True, ping.Stdout + ping.Stderr);
        int sent = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int lost = sent - int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        double maxRtt = double.Parse(Regex.Match(ping.Stdout, @"= [0-9.]+/[0-9.]+/([0-9.]+)/").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int renegotiations = client.Count("renegotiated: key id");
        TestContext.Out.WriteLine($"{proto}: {renegotiations} renegotiations during {sent} pings (50 ms apart), {lost} lost, max rtt {maxRtt} ms");
        Assert.That(renegotiations, Is.GreaterThanOrEqualTo(2), client.Output + "\nserver:\n" + server.Output);
        Assert.That(client.Output, Does.Contain("key id 1 installed").And.Contain("key id 2 installed"));
        Assert.That(lost, Is.LessThanOrEqualTo(5), "packets lost across renegotiations");
        Assert.That(maxRtt, Is.LessThan(1000), "a stall of a second or more");

        // The capture: our P_DATA_V2 carry the peer id the server pushed, with key ids 0, 1 and 2 over time.
        capture.Signal(2);
        Assert.That(capture.WaitForExit(TimeSpan.FromSeconds(15)), Is.True, "tshark did not stop");
        var fields = Lab.Sh($"tshark -r {pcap} -d {proto}.port==1194,openvpn -Y 'openvpn && ip.src==192.168.99.2' -T fields -e openvpn.opcode -e openvpn.peerid -e openvpn.keyid", 60_000);
        var rows = fields.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(r => r.Length >= 3).ToList();
        static int Value(string field) => field.Split(',')[0] is var f && f.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(f, 16) : int.Parse(f, System.Globalization.CultureInfo.InvariantCulture);
        var data = rows.Where(r => r[0].Length > 0 && Value(r[0]) == 9).ToList();
        Assert.That(data, Has.Count.GreaterThan(400), "P_DATA_V2 from the client in the capture");
        Assert.That(data.All(r => Value(r[1]) == peerId), Is.True, $"every P_DATA_V2 carries the pushed peer id {peerId}");
        var keyIds = data.Select(r => Value(r[2])).Distinct().OrderBy(k => k).ToList();
        TestContext.Out.WriteLine($"{proto}: P_DATA_V2 key ids on the wire: {string.Join(",", keyIds)} (peer id {peerId})");
        Assert.That(keyIds, Is.SupersetOf(new[] { 0, 1, 2 }));
    }

    /// <summary>iperf3 UDP at a fixed rate for 30 s while the server renegotiates every 10 s: datagrams lost and the
    /// longest gap (no 1 s interval without traffic).</summary>
    [Test]
    public void RenegotiationUnderIperf([Values(0, 10)] int renegSec)
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig("udp", P, $"reneg-sec {renegSec}"));
        var client = lab.StartClient(Lab.ClientConfig("udp", P));
        client.WaitFor("Initialization Sequence Completed", Connect);
        lab.Start(lab.S, "iperf3", "-s", "-B", Lab.ServerTunnelIp, "-1");
        System.Threading.Thread.Sleep(500);
        var r = lab.In(lab.C, $"iperf3 -c {Lab.ServerTunnelIp} -u -b 40M -l 1200 -t 30 -i 1 --get-server-output --connect-timeout 3000", 90_000);
        Assert.That(r.ExitCode, Is.Zero, "iperf3 failed: " + r.Stdout + r.Stderr);
        // The server's report (receiver side, after "Server output:"): one line per second "… lost/total (x%)", then the summary.
        int at = r.Stdout.IndexOf("Server output:", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0), r.Stdout);
        var lines = Regex.Matches(r.Stdout[at..], @"sec\s+[0-9.]+ [KMG]?Bytes\s+[0-9.]+ [KMG]?bits/sec\s+[0-9.]+ ms\s+(\d+)/(\d+)");
        Assert.That(lines.Count, Is.GreaterThan(30), r.Stdout);
        static int N(Match x, int g) => int.Parse(x.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture);
        var perSecond = lines.Take(lines.Count - 1).Select(x => N(x, 1)).ToList();
        var stalls = lines.Take(lines.Count - 1).Count(x => N(x, 2) == 0);
        int lost = N(lines[^1], 1), packets = N(lines[^1], 2);
        int afterStart = perSecond.Skip(1).Sum();
        int renegotiations = client.Count("renegotiated: key id");
        TestContext.Out.WriteLine("lost per second (receiver): " + string.Join(" ", perSecond));
        TestContext.Out.WriteLine($"iperf3 udp 40 Mbit/s 30 s, server reneg-sec {renegSec}: {renegotiations} renegotiations, {lost} of {packets} datagrams lost ({afterStart} after the first second)");
        if (renegSec > 0)
            Assert.That(renegotiations, Is.GreaterThanOrEqualTo(2), client.Output + "\nserver:\n" + server.Output);
        else
            Assert.That(renegotiations, Is.Zero);
        Assert.That(packets, Is.GreaterThan(100_000));
        Assert.That(stalls, Is.Zero, "a second without any datagram (a stall)");
        // On this shared 2-core box bursts of loss (up to ~1.5 %) also happen without any renegotiation (the reneg-sec 0
        // run is the baseline); the bound is loose on purpose: a broken key switch loses everything after it.
        Assert.That(afterStart, Is.LessThanOrEqualTo(packets / 10), "more than 10 % of the datagrams lost");
    }

    [Test]
    public void ClientInitiatedRenegotiation()
    {
        using var lab = new Lab();
        var server = lab.StartServer(Lab.ServerConfig("udp", P));
        var client = lab.StartClient(Lab.ClientConfig("udp", P, "reneg-sec 5"));
        client.WaitFor("Initialization Sequence Completed", Connect);
        var ping = lab.In(lab.C, $"ping -c 260 -i 0.05 -W 1 {Lab.ServerTunnelIp}", 60_000);
        var m = Regex.Match(ping.Stdout, @"(\d+) packets transmitted, (\d+) received");
        Assert.That(m.Success, Is.True, ping.Stdout + ping.Stderr);
        int lost = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        int renegotiations = client.Count("renegotiated: key id");
        TestContext.Out.WriteLine($"client reneg-sec 5: {renegotiations} renegotiations during 13 s of pings, {lost} lost");
        Assert.That(client.Count("reneg-sec 5: renegotiating"), Is.GreaterThanOrEqualTo(2), client.Output);
        Assert.That(renegotiations, Is.GreaterThanOrEqualTo(2), client.Output + "\nserver:\n" + server.Output);
        Assert.That(lost, Is.LessThanOrEqualTo(5));
    }

    [Test]
    public void ServerRestartReconnectsOnTheSameDevice([Values("udp", "tcp")] string proto)
    {
        using var lab = new Lab();
        string config = Lab.ServerConfig(proto, P, "keepalive 1 4");
        var server = lab.StartServer(config);
        var client = lab.StartClient(Lab.ClientConfig(proto, P));
        client.WaitFor("Initialization Sequence Completed", Connect);
        server.Signal(9);
        server.WaitForExit(TimeSpan.FromSeconds(5));
        client.WaitFor(proto == "udp" ? "keepalive timeout" : "the server closed the TCP connection", TimeSpan.FromSeconds(20));
        lab.StartServer(config);
        client.WaitFor("Initialization Sequence Completed", Connect, times: 2);
        Assert.That(client.HasExited, Is.False);
        Assert.That(lab.In(lab.C, $"ping -c 3 -i 0.2 -W 2 {Lab.ServerTunnelIp}").ExitCode, Is.Zero, client.Output);
    }
}
