using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OvpnDco.TestSupport;

namespace OvpnDco.E2E.Tests;

/// <summary>
/// Two ovpn-dco-cli in two namespaces joined by a veth pair, upstream's command line, 10.8.0.1 (A) ↔ 10.8.0.2 (B).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TunnelTests
{
    // A known payload for the capture: ping -p fills the ICMP data with this pattern ("ovpndco!").
    private const string PatternHex = "6f76706e64636f21";
    private static readonly byte[] Pattern = Encoding.ASCII.GetBytes("ovpndco!ovpndco!");

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        E2ESetup.RequireNetwork();
        _dir = Directory.CreateTempSubdirectory("ovpndco-e2e-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir))
            Directory.Delete(_dir, true);
    }

    private string NewKey()
    {
        string key = Path.Combine(_dir, "data64.key");
        var r = NetnsPair.Sh($"{E2ESetup.Cli} genkey {key}");
        Assert.That(r.Stdout, Does.Contain("wrote a new key"));
        return key;
    }

    internal static BackgroundProcess StartCli(NetnsPair net, string side, string proto, bool v6, string? key, params string[] extra)
    {
        bool a = side == "A";
        var args = new List<string>
        {
            "netns", "exec", a ? net.A : net.B, E2ESetup.Cli, proto, v6 ? "i6" : "i4",
            NetnsPair.Address(side, v6), "1194", NetnsPair.Address(a ? "B" : "A", v6), "1194",
            a ? "10.8.0.1" : "10.8.0.2", "255.255.255.0", a ? "10.8.0.2" : "10.8.0.1",
        };
        if (key is not null)
        {
            args.Add(key);
            args.Add(a ? "0" : "1");
        }
        args.AddRange(extra);
        return new BackgroundProcess("ip", args);
    }

    /// <summary>Starts A then B (TCP: A waits for B to connect) and waits for both tunnels to be up.</summary>
    internal static (BackgroundProcess A, BackgroundProcess B) StartPair(NetnsPair net, string proto, bool v6, string? key, params string[] extra)
    {
        var a = StartCli(net, "A", proto, v6, key, extra);
        a.WaitFor(proto == "tcp" ? "connecting to" : "added", TimeSpan.FromSeconds(20));
        var b = StartCli(net, "B", proto, v6, key, extra);
        a.WaitFor("tunnel up", TimeSpan.FromSeconds(20));
        b.WaitFor("tunnel up", TimeSpan.FromSeconds(20));
        return (a, b);
    }

    [Test]
    public void Tunnel_PingIperfAndCapture(
        [Values("udp", "tcp")] string proto,
        [Values(false, true)] bool v6,
        [Values(true, false)] bool withKey)
    {
        using var net = new NetnsPair();
        string? key = withKey ? NewKey() : null;
        string pcap = Path.Combine(_dir, "veth.pcap");
        using var capture = new BackgroundProcess("ip", new[] { "netns", "exec", net.B, "tshark", "-i", "vB", "-q", "-w", pcap, "-f", "port 1194" });
        capture.WaitFor("Capturing on", TimeSpan.FromSeconds(30));

        var (a, b) = StartPair(net, proto, v6, key);
        using (a)
        using (b)
        {
            // ping both ways with the known payload
            var ab = net.In(net.A, $"ping -c 5 -i 0.2 -W 2 -p {PatternHex} 10.8.0.2", 30_000, check: false);
            Assert.That(ab.Stdout, Does.Contain("5 received"), "ping A→B\n" + ab.Stdout + a.Output + b.Output);
            var ba = net.In(net.B, $"ping -c 5 -i 0.2 -W 2 -p {PatternHex} 10.8.0.1", 30_000, check: false);
            Assert.That(ba.Stdout, Does.Contain("5 received"), "ping B→A\n" + ba.Stdout);
            Thread.Sleep(300);
            capture.Signal(2);
            Assert.That(capture.WaitForExit(TimeSpan.FromSeconds(15)), Is.True, "tshark did not stop");

            // iperf3, 5 s each direction
            using var server = new BackgroundProcess("ip", new[] { "netns", "exec", net.B, "iperf3", "-s", "-B", "10.8.0.2", "--forceflush" });
            server.WaitFor("Server listening", TimeSpan.FromSeconds(10));
            foreach (string reverse in new[] { string.Empty, " -R" })
            {
                var r = net.In(net.A, $"iperf3 -c 10.8.0.2 -t 5 -J{reverse}", 60_000, check: false);
                Assert.That(r.ExitCode, Is.Zero, $"iperf3{reverse}: {r.Stdout}{r.Stderr}\nA:\n{a.Output}\nB:\n{b.Output}");
                var json = System.Text.Json.JsonDocument.Parse(r.Stdout);
                double bps = json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
                TestContext.Out.WriteLine($"{proto}/{(v6 ? "i6" : "i4")}/{(withKey ? "aes-256-gcm" : "none")} iperf3{reverse}: {bps / 1e6:F0} Mbit/s");
                Assert.That(bps, Is.GreaterThan(1e6), "iperf3 moved almost nothing");
            }

            // Ctrl+C / SIGTERM: DEL_PEER and a clean exit. Over TCP the other side sees the connection close and says so.
            a.Signal(15);
            Assert.That(a.WaitForExit(TimeSpan.FromSeconds(10)), Is.True);
            Assert.That(a.ExitCode, Is.Zero, a.Output);
            Assert.That(a.Output, Does.Contain("peer deleted, exiting"));
            if (proto == "tcp")
            {
                b.WaitFor("closed by the peer", TimeSpan.FromSeconds(10));
                Assert.That(b.WaitForExit(TimeSpan.FromSeconds(10)), Is.True);
                Assert.That(b.ExitCode, Is.EqualTo(3), b.Output);
            }
            else
            {
                b.Signal(15);
                Assert.That(b.WaitForExit(TimeSpan.FromSeconds(10)), Is.True);
                Assert.That(b.ExitCode, Is.Zero, b.Output);
            }
            foreach (var output in new[] { a.Output, b.Output })
            {
                // A packet that arrives between NEW_PEER and NEW_KEY has no key yet (TCP: the side that waited for the
                // connection) and counts as lost in; nothing else may be lost.
                var last = output.Split('\n').Last(l => l.StartsWith("stats:", StringComparison.Ordinal));
                var lost = System.Text.RegularExpressions.Regex.Match(last, @"lost in (\d+) out (\d+)");
                Assert.That(int.Parse(lost.Groups[1].Value), Is.LessThanOrEqualTo(3), "lost in: " + last);
                Assert.That(int.Parse(lost.Groups[2].Value), Is.Zero, "lost out: " + last);
            }
        }

        // the capture: P2P DATA_V2 (opcode 9), peer id 0, key id 0; the payload never in clear with a key
        string decode = proto == "udp" ? "udp.port==1194,openvpn" : "tcp.port==1194,openvpn";
        var fields = NetnsPair.Sh($"tshark -r {pcap} -d {decode} -Y openvpn -T fields -e openvpn.opcode -e openvpn.peerid -e openvpn.keyid", 60_000);
        var rows = fields.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        static bool IsValue(string field, int value) => field.Split(',').All(f =>
            f.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(f, 16) == value : int.Parse(f, System.Globalization.CultureInfo.InvariantCulture) == value);
        var data = rows.Where(r => r[0].Length > 0 && IsValue(r[0], 9)).ToList();
        Assert.That(data, Has.Count.GreaterThanOrEqualTo(16), "P_DATA_V2 packets in the capture:\n" + fields.Stdout);
        Assert.That(data.All(r => r.Length >= 3 && IsValue(r[1], 0) && IsValue(r[2], 0)),
            Is.True, "peer id 0 and key id 0 in every P_DATA_V2:\n" + fields.Stdout);
        bool clear = Contains(File.ReadAllBytes(pcap), Pattern);
        if (withKey)
            Assert.That(clear, Is.False, "the ping payload is visible on the wire with AES-256-GCM");
        else
            Assert.That(clear, Is.True, "cipher NONE: the ping payload should be visible on the wire (capture sanity)");
    }

    [Test]
    public void Keepalive_KillOneSide_OtherReportsTimeout()
    {
        using var net = new NetnsPair();
        string key = NewKey();
        const int timeout = 3;
        var (a, b) = StartPair(net, "udp", false, key, "--keepalive-interval", "1", "--keepalive-timeout", timeout.ToString());
        using (a)
        using (b)
        {
            var ping = net.In(net.A, "ping -c 2 -i 0.2 -W 2 10.8.0.2", 20_000, check: false);
            Assert.That(ping.Stdout, Does.Contain("2 received"));
            b.Signal(9);
            var took = a.WaitFor("keepalive timeout", TimeSpan.FromSeconds(timeout + 2));
            TestContext.Out.WriteLine($"keepalive timeout reported {took.TotalSeconds:F1} s after the kill");
            Assert.That(a.WaitForExit(TimeSpan.FromSeconds(10)), Is.True);
            Assert.That(a.ExitCode, Is.EqualTo(3), a.Output);
            Assert.That(a.Output, Does.Contain("STATUS_CONNECTION_DISCONNECTED"));
        }
        // the killed side's interface went with its process
        var links = net.In(net.B, "ip -o link", check: false);
        Assert.That(links.Stdout, Does.Not.Contain("ovpn-dco0"));
    }

    private static bool Contains(byte[] haystack, byte[] needle)
        => haystack.AsSpan().IndexOf(needle) >= 0;
}
