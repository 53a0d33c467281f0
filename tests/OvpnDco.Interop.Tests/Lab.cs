using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using OvpnDco.TestSupport;

namespace OvpnDco.Interop.Tests;

/// <summary>
/// Checks once whether the interop suite can run (root, TUN, network namespaces, /usr/sbin/openvpn, iperf3), builds
/// the hosted device when it is missing, and makes the PKI.
/// </summary>
[SetUpFixture]
public sealed class InteropSetup
{
    public static string? SkipReason { get; private set; }
    public static Pki? Pki { get; private set; }
    private static string? _dir;

    public static string Client
    {
        get
        {
            string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(NativeToolchain.RepoRoot, "samples", "OvpnDco.Client", "bin", config, "net10.0", "ovpn-dco-client");
        }
    }

    public static string DeviceLibrary => Path.Combine(NativeToolchain.RepoRoot, "out", "hosted", "lib", "libovpndco-device.so");

    [OneTimeSetUp]
    public void Probe()
    {
        SkipReason = Check();
        if (SkipReason is not null)
            return;
        if (!File.Exists(DeviceLibrary))
        {
            string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var r = NativeToolchain.Run($"CONFIGURATION={config} ./scripts/transpile-hosted.sh", NativeToolchain.RepoRoot, 900_000);
            Assert.That(r.ExitCode, Is.Zero, "scripts/transpile-hosted.sh failed:\n" + r.Stdout + r.Stderr);
        }
        Environment.SetEnvironmentVariable("OVPNDCO_DEVICE_LIBRARY", DeviceLibrary);
        _dir = Directory.CreateTempSubdirectory($"ovi-{Environment.ProcessId}-").FullName;
        Pki = Pki.Create(Path.Combine(_dir, "pki"), extras: true);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (_dir is not null)
            Directory.Delete(_dir, true);
    }

    public static string WorkDir => _dir!;

    public static void Require()
    {
        if (SkipReason is not null)
            Assert.Ignore(SkipReason);
    }

    private static string? Check()
    {
        if (!OperatingSystem.IsLinux())
            return "the hosted device is Linux-only";
        if (geteuid() != 0)
            return "needs root (network namespaces, TUN)";
        if (!File.Exists("/dev/net/tun"))
            return "no /dev/net/tun on this machine";
        if (!File.Exists("/usr/sbin/openvpn"))
            return "no /usr/sbin/openvpn (scripts/install-deps.sh installs it)";
        if (!File.Exists("/usr/bin/iperf3"))
            return "no iperf3 (scripts/install-deps.sh installs it)";
        if (!File.Exists(Client))
            return $"{Client} is not built";
        string probe = $"ovi-probe-{Environment.ProcessId}";
        var r = NativeToolchain.Run($"ip netns add {probe} && ip netns exec {probe} ip tuntap add dev t0 mode tun && ip netns del {probe}", null, 20_000);
        NativeToolchain.Run($"ip netns del {probe} 2>/dev/null", null, 10_000);
        if (r.ExitCode != 0)
            return "cannot create a network namespace with a TUN device: " + (r.Stderr + r.Stdout).Trim();
        return null;
    }

    [DllImport("libc")]
    private static extern uint geteuid();
}

/// <summary>
/// One test's network: namespace S (the OpenVPN server, 192.168.99.1) and C (our client, .2) over a veth pair, named
/// ovi-&lt;pid&gt;-&lt;n&gt;-s/c. Everything started through it is stopped, and the namespaces deleted, on dispose.
/// </summary>
public sealed class Lab : IDisposable
{
    private static int _serial;
    private readonly List<BackgroundProcess> _procs = new();
    public const string ServerIp = "192.168.99.1";
    public const string ServerTunnelIp = "10.77.0.1";

    public Lab()
    {
        string id = $"{Environment.ProcessId}-{Interlocked.Increment(ref _serial)}";
        S = $"ovi-{id}-s";
        C = $"ovi-{id}-c";
        Dir = Path.Combine(InteropSetup.WorkDir, id);
        Directory.CreateDirectory(Dir);
        Sh($"ip netns add {S} && ip netns add {C} && ip link add vS netns {S} type veth peer name vC netns {C} && " +
           $"ip -n {S} addr add {ServerIp}/24 dev vS && ip -n {S} link set vS up && ip -n {S} link set lo up && " +
           $"ip -n {C} addr add 192.168.99.2/24 dev vC && ip -n {C} link set vC up && ip -n {C} link set lo up && " +
           $"ip -n {S} addr add fd99::1/64 dev vS nodad && ip -n {C} addr add fd99::2/64 dev vC nodad");
    }

    public string S { get; }
    public string C { get; }
    public string Dir { get; }
    public BackgroundProcess? Server { get; private set; }

    public static string ServerConfig(string proto, Pki pki, string extra = "", string? cert = null) => $@"dev tun
proto {(proto.StartsWith("tcp", StringComparison.Ordinal) ? proto.Replace("tcp", "tcp-server", StringComparison.Ordinal).Replace("tcp-server6", "tcp6-server", StringComparison.Ordinal) : proto)}
port 1194
topology subnet
server 10.77.0.0 255.255.255.0
ca {pki.Ca}
cert {cert ?? pki.ServerCert}
key {pki.ServerKey}
dh none
data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
disable-dco
keepalive 5 30
verb 4
{extra}
";

    public static string ClientConfig(string proto, Pki pki, string extra = "", string? ca = null, string remote = ServerIp) => $@"client
dev tun
proto {proto}
remote {remote} 1194
ca {ca ?? pki.Ca}
cert {pki.ClientCert}
key {pki.ClientKey}
remote-cert-tls server
verify-x509-name server name
hand-window 20
{extra}
";

    public BackgroundProcess StartServer(string config, bool wait = true)
    {
        string file = Path.Combine(Dir, $"server-{_procs.Count}.conf");
        File.WriteAllText(file, config);
        var p = Start(S, "/usr/sbin/openvpn", "--config", file);
        Server = p;
        if (wait)
            p.WaitFor("Initialization Sequence Completed", TimeSpan.FromSeconds(30));
        return p;
    }

    public BackgroundProcess StartClient(string config)
    {
        string file = Path.Combine(Dir, $"client-{_procs.Count}.ovpn");
        File.WriteAllText(file, config);
        return Start(C, InteropSetup.Client, "--config", file);
    }

    public BackgroundProcess Start(string ns, string program, params string[] args)
    {
        var p = new BackgroundProcess("ip", new[] { "netns", "exec", ns, program }.Concat(args));
        _procs.Add(p);
        return p;
    }

    public NativeToolchain.Result In(string ns, string command, int timeoutMs = 60_000) => Sh($"ip netns exec {ns} {command}", timeoutMs, check: false);

    public static NativeToolchain.Result Sh(string command, int timeoutMs = 60_000, bool check = true)
    {
        var r = NativeToolchain.Run(command, null, timeoutMs);
        if (check)
            Assert.That(r.ExitCode, Is.Zero, $"'{command}' failed: {r.Stderr}{r.Stdout}");
        return r;
    }

    /// <summary>Mbit/s of an iperf3 client run (receiver side), from C to the server's tunnel address; reverse = server sends.</summary>
    public double Iperf(int seconds, bool reverse)
    {
        var r = In(C, $"iperf3 -c {ServerTunnelIp} -t {seconds} -J {(reverse ? "-R" : "")} --connect-timeout 3000", (seconds + 20) * 1000);
        Assert.That(r.ExitCode, Is.Zero, "iperf3 failed: " + r.Stdout + r.Stderr);
        var m = Regex.Match(r.Stdout, "\"sum_received\":\\s*\\{[^}]*\"bits_per_second\":\\s*([0-9.e+]+)");
        Assert.That(m.Success, Is.True, "no sum_received in the iperf3 output");
        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 1e6;
    }

    public void Dispose()
    {
        foreach (var p in Enumerable.Reverse(_procs))
            p.Dispose();
        Sh($"ip netns del {S}", check: false);
        Sh($"ip netns del {C}", check: false);
    }
}
